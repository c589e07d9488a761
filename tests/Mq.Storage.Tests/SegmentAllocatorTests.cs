using Microsoft.Extensions.Logging.Abstractions;
using Mq.Storage.CommitLog;
using Mq.Storage.Devices;

namespace Mq.Tests;

public sealed class SegmentAllocatorTests
{
    private const int SegmentSize = 128 * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_segment_taken_while_it_is_still_warming_keeps_every_byte_written_into_it()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mq-allocator-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var allocator = new SegmentAllocator(directory, SegmentSize, warm: true, writeZeros: false,
                new FileSegmentDeviceProvider(mapped: true), NullLogger.Instance);
            try
            {
                allocator.Request(0);
                using (var deadline = new CancellationTokenSource(Timeout))
                {
                    while (allocator.Warming.IsCompleted && !allocator.IsPrepared(0))
                    {
                        await Task.Delay(1, deadline.Token);
                    }
                }
                var segment = allocator.Take(0);
                Assume.That(allocator.Warming.IsCompleted, Is.False, "the warm finished before the segment was taken");

                // The warm walks the segment from the start; records written at its end land before it gets there.
                var record = new byte[4096 * 8];
                new Random(3).NextBytes(record);
                int at = SegmentSize - record.Length;
                segment.Device.Write(at, record);
                await allocator.Warming.WaitAsync(Timeout);

                Assert.That(segment.Memory.Span.Slice(at, record.Length).SequenceEqual(record), Is.True,
                    "the warm must not overwrite what an appender wrote");
                Assert.That(segment.Memory.Span[..4096].IndexOfAnyExcept((byte)0), Is.EqualTo(-1), "untouched pages read as zeros");
                segment.Close(delete: false);
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
}
