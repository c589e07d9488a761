using Microsoft.Extensions.Logging.Abstractions;
using Mq.Storage.CommitLog;
using Mq.Storage.Devices;

namespace Mq.Tests;

public sealed class SegmentAllocatorTests
{
    private const int SegmentSize = 512 * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public Task A_segment_taken_while_it_is_still_warming_keeps_every_byte_written_into_it() => WithAllocatorAsync(async allocator =>
    {
        allocator.Request(0);
        await WaitUntilAsync(() => !allocator.Warming.IsCompleted || allocator.IsPrepared(0));
        var segment = allocator.Take(0);
        Assume.That(allocator.Warming.IsCompleted, Is.False, "the warm finished before the segment was taken");

        // The warm walks the first window from the start; records written at its end land before it gets there.
        var record = new byte[4096 * 8];
        new Random(3).NextBytes(record);
        int at = (int)SegmentAllocator.WarmWindow - record.Length;
        segment.Device.Write(at, record);
        await allocator.Warming.WaitAsync(Timeout);

        Assert.That(segment.Memory.Span.Slice(at, record.Length).SequenceEqual(record), Is.True,
            "the warm must not overwrite what an appender wrote");
        Assert.That(segment.Memory.Span[..4096].IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "untouched pages read as zeros");
        segment.Close(delete: false);
    });

    [Test]
    public Task The_warm_stays_a_window_ahead_of_the_writes_and_no_further() => WithAllocatorAsync(async allocator =>
    {
        allocator.Request(0);
        await WaitUntilAsync(() => allocator.IsPrepared(0));
        var segment = allocator.Take(0);
        Assert.That(segment.WarmedTo, Is.EqualTo(SegmentAllocator.WarmWindow), "a prepared segment has its first window warm, not more");

        allocator.WarmAhead(segment, SegmentAllocator.WarmStep - 1);
        Assert.That(segment.WarmRequestedTo, Is.EqualTo(SegmentAllocator.WarmWindow), "no top-up before a step is used");

        var record = new byte[4096];
        new Random(5).NextBytes(record);
        long end = SegmentAllocator.WarmWindow - 4096;
        segment.Device.Write(end, record);
        allocator.WarmAhead(segment, end + record.Length);
        Assert.That(segment.WarmRequestedTo, Is.EqualTo(Math.Min(SegmentSize, end + record.Length + SegmentAllocator.WarmWindow)));
        await allocator.Warming.WaitAsync(Timeout);

        Assert.That(segment.WarmedTo, Is.EqualTo(segment.WarmRequestedTo));
        Assert.That(segment.Memory.Span.Slice((int)end, record.Length).SequenceEqual(record), Is.True);
        segment.Close(delete: false);
    });

    /// <summary>A mapped allocator with warming on, over a temp folder removed afterwards.</summary>
    private static async Task WithAllocatorAsync(Func<SegmentAllocator, Task> body)
    {
        string directory = Path.Combine(Path.GetTempPath(), "mq-allocator-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var allocator = new SegmentAllocator(directory, SegmentSize, warm: true, writeZeros: false,
                new FileSegmentDeviceProvider(mapped: true), NullLogger.Instance);
            try
            {
                await body(allocator);
            }
            finally
            {
                await allocator.DisposeAsync();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(1, deadline.Token);
        }
    }
}
