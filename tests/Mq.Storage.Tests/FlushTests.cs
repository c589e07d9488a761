using System.Text;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Devices;
using Mq.TestKit;

namespace Mq.Tests;

public sealed class FlushTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task SyncFlushAcknowledgedAppendsSurviveACrash([Values(SegmentDeviceKind.Mapped, SegmentDeviceKind.File)] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind, o => o.FlushDiskType = FlushDiskType.SyncFlush);
        var faulty = new FaultySegmentDeviceProvider(harness.Provider);
        harness.Provider = faulty;
        var store = await harness.OpenAsync();
        const int Writers = 16;
        const int PerWriter = 40;
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<AppendResult>();
        var tasks = new Task[Writers];
        for (int w = 0; w < Writers; w++)
        {
            int writer = w;
            tasks[w] = Task.Run(async () =>
            {
                for (int i = 0; i < PerWriter; i++)
                {
                    var r = await store.AppendAsync(StoreHarness.Message("S", writer % 4, $"w{writer}-{i}"));
                    Assert.That(r.Status, Is.EqualTo(PutMessageStatus.PutOk));
                    Assert.That(store.CommitLogFlushedOffset, Is.GreaterThanOrEqualTo(r.EndOffset), "acknowledged only once flushed");
                    acknowledged.Add(r);
                }
            });
        }
        await Task.WhenAll(tasks).WaitAsync(Timeout);

        store = await harness.ReopenAsync(crash: true);
        foreach (var r in acknowledged)
        {
            using var message = store.ReadMessage(r.WroteOffset);
            Assert.That(message, Is.Not.Null);
        }
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        long total = 0;
        for (int q = 0; q < 4; q++)
        {
            total += store.GetMaxOffsetInQueue("S", q);
        }
        Assert.That(total, Is.EqualTo(Writers * PerWriter));
    }

    [Test]
    [Category("Fault")]
    public async Task AFailedFlushFailsTheWaitingAppends([Values(SegmentDeviceKind.Memory, SegmentDeviceKind.File)] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind, o => o.FlushDiskType = FlushDiskType.SyncFlush);
        var faulty = new FaultySegmentDeviceProvider(harness.Provider);
        harness.Provider = faulty;
        var store = await harness.OpenAsync();
        Assert.That((await store.AppendAsync(StoreHarness.Message("F", 0, "ok"))).Status, Is.EqualTo(PutMessageStatus.PutOk));

        faulty.FailFlush = true;
        var failed = await store.AppendAsync(StoreHarness.Message("F", 0, "not durable")).AsTask().WaitAsync(Timeout);
        Assert.That(failed.Status, Is.EqualTo(PutMessageStatus.UnknownError), "never report success for unflushed data");
        Assert.That(store.WriteRefusal, Is.EqualTo(WriteRefusal.FlushFailed));
        Assert.That((await store.AppendAsync(StoreHarness.Message("F", 0, "after"))).Status, Is.EqualTo(PutMessageStatus.ServiceNotAvailable));
        Assert.That(await store.WaitDurableAsync(failed.EndOffset), Is.EqualTo(PutMessageStatus.UnknownError));

        faulty.FailFlush = false;
        store = await harness.ReopenAsync(crash: false);
        Assert.That(store.RecoveredFromCrash, Is.True, "a store whose flush failed is verified on the next open");
        Assert.That((await store.AppendAsync(StoreHarness.Message("F", 0, "reopened"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
    }

    [Test]
    public async Task SyncFlushTimesOut()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56));
        await using var harness = new StoreHarness(SegmentDeviceKind.Memory, o =>
        {
            o.FlushDiskType = FlushDiskType.SyncFlush;
            o.SyncFlushTimeout = TimeSpan.FromSeconds(5);
        })
        { Time = time };
        var blocking = new BlockingFlushProvider(harness.Provider);
        harness.Provider = blocking;
        var store = await harness.OpenAsync();
        Assert.That((await store.AppendAsync(StoreHarness.Message("T", 0, "fast"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        blocking.Block = true;
        var pending = store.AppendAsync(StoreHarness.Message("T", 0, "slow")).AsTask();
        await blocking.Entered.Task.WaitAsync(Timeout);
        time.Advance(TimeSpan.FromSeconds(10));
        var result = await pending.WaitAsync(Timeout);
        Assert.That(result.Status, Is.EqualTo(PutMessageStatus.FlushDiskTimeout));
        blocking.Release.SetResult();
    }

    [Test]
    public async Task OneFlushServesEveryWaiterUpToItsOffset()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.Memory, o => o.FlushDiskType = FlushDiskType.SyncFlush);
        var blocking = new BlockingFlushProvider(harness.Provider);
        harness.Provider = blocking;
        var store = await harness.OpenAsync();
        Assert.That((await store.AppendAsync(StoreHarness.Message("G", 0, "first"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        // Under sync flush the allocator's warm of a segment ends with a flush of that segment: on a busy machine
        // the first segment's came late enough to be counted below as a second group flush.
        await store.CommitLog.Warming.WaitAsync(Timeout);
        blocking.Block = true;
        var stuck = store.AppendAsync(StoreHarness.Message("G", 0, "stuck")).AsTask();
        await blocking.Entered.Task.WaitAsync(Timeout);
        int flushesBefore = blocking.CommitLogFlushes;
        var waiting = new List<Task<AppendResult>>();
        for (int i = 0; i < 8; i++)
        {
            waiting.Add(store.AppendAsync(StoreHarness.Message("G", 0, $"grouped-{i}")).AsTask());
        }
        Assert.That(waiting.Any(t => t.IsCompleted), Is.False, "nobody is acknowledged before the flush");
        blocking.Release.SetResult();
        var results = await Task.WhenAll(waiting).WaitAsync(Timeout);
        Assert.That((await stuck).Status, Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(results.Select(r => r.Status), Is.All.EqualTo(PutMessageStatus.PutOk));
        Assert.That(blocking.CommitLogFlushes - flushesBefore, Is.LessThanOrEqualTo(1), "the eight waiters share one fdatasync");
    }

    [Test]
    public async Task WaitDurableIsSeparateFromTheAppend()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.Mapped);
        var store = await harness.OpenAsync();
        var r = store.Append(StoreHarness.Message("D", 0, Encoding.UTF8.GetString(new byte[10])));
        Assert.That(r.Status, Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(await store.WaitDurableAsync(r.EndOffset).AsTask().WaitAsync(Timeout), Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(store.CommitLogFlushedOffset, Is.GreaterThanOrEqualTo(r.EndOffset));
    }

    [Test]
    public async Task Async_flush_is_woken_by_appends_once_the_least_pages_are_dirty([Values(SegmentDeviceKind.Mapped, SegmentDeviceKind.File)] SegmentDeviceKind kind)
    {
        // The interval timer never fires in this test: only appends can wake the flusher.
        await using var harness = new StoreHarness(kind, o =>
        {
            o.FlushIntervalCommitLog = TimeSpan.FromHours(1);
            o.FlushCommitLogTimed = false;
            o.FlushCommitLogLeastPages = 4;
        });
        var store = await harness.OpenAsync();
        AppendResult last = default;
        while (store.CommitLogMaxOffset < 5 * 4096)
        {
            last = store.Append(StoreHarness.Message("E", 0, new string('e', 1000)));
            Assert.That(last.Status, Is.EqualTo(PutMessageStatus.PutOk));
        }
        await WaitUntil(() => store.CommitLogFlushedOffset >= 4 * 4096);
        // Woken by appends, it syncs whole pages only (the page still being filled waits for the interval).
        Assert.That(store.CommitLogFlushedOffset, Is.LessThanOrEqualTo(last.EndOffset));
        Assert.That(store.CommitLogFlushedOffset % 4096, Is.Zero);
        Assert.That(await store.WaitDurableAsync(last.EndOffset).AsTask().WaitAsync(Timeout), Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(store.CommitLogFlushedOffset, Is.EqualTo(last.EndOffset));
    }

    [Test]
    public void A_range_flush_of_a_mapped_segment_keeps_every_byte_readable_and_writable()
    {
        // The range flush first drops the mapping's entries for the finished pages (one TLB shootdown instead
        // of one per page); the data must stay in the file and in the mapping, and the pages stay writable.
        string directory = Path.Combine(Path.GetTempPath(), "mq-flush-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "segment");
            const int Length = 16 * 4096;
            var expected = new byte[Length];
            new Random(7).NextBytes(expected);
            var provider = new FileSegmentDeviceProvider(mapped: true);
            using (var device = provider.Open(path, Length))
            {
                Assert.That(device.TryGetMemory(out var memory), Is.True, "a mapped device");
                device.Write(0, expected.AsSpan(0, 10 * 4096 + 100));
                device.Flush(1000, 10 * 4096 + 100 - 1000);
                Assert.That(memory.Span[..(10 * 4096 + 100)].SequenceEqual(expected.AsSpan(0, 10 * 4096 + 100)), Is.True,
                    "flushed pages read back through the mapping");
                // Rewriting a flushed page and writing on past the end both land.
                device.Write(4096, expected.AsSpan(4096, 4096));
                device.Write(10 * 4096 + 100, expected.AsSpan(10 * 4096 + 100));
                device.Flush(0, Length);
                Assert.That(memory.Span.SequenceEqual(expected), Is.True);
            }
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected), "the file holds every byte after the device is closed");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task Timed_async_flush_is_not_woken_by_appends()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.Mapped, o =>
        {
            o.FlushIntervalCommitLog = TimeSpan.FromHours(1);
            o.FlushCommitLogTimed = true;
        });
        var store = await harness.OpenAsync();
        for (int i = 0; i < 50; i++)
        {
            Assert.That(store.Append(StoreHarness.Message("T", 0, new string('t', 1000))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        }
        // Nothing else can start a flush (the interval is an hour, nobody waits for durability).
        Assert.That(store.CommitLogFlushedOffset, Is.Zero);
        Assert.That(await store.WaitDurableAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout), Is.EqualTo(PutMessageStatus.PutOk));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    private sealed class BlockingFlushProvider(ISegmentDeviceProvider inner) : ISegmentDeviceProvider
    {
        public volatile bool Block;
        private int _commitLogFlushes;
        public int CommitLogFlushes => Volatile.Read(ref _commitLogFlushes);
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ISegmentDevice Open(string path, long length) => new Device(inner.Open(path, length), this);
        public bool Exists(string path) => inner.Exists(path);
        public void Delete(string path) => inner.Delete(path);
        public void CreateMarker(string path) => inner.CreateMarker(path);
        public IReadOnlyList<string> ListFiles(string directory) => inner.ListFiles(directory);
        public IReadOnlyList<string> ListDirectories(string directory) => inner.ListDirectories(directory);
        public void DeleteDirectoryIfEmpty(string directory) => inner.DeleteDirectoryIfEmpty(directory);

        private sealed class Device(ISegmentDevice device, BlockingFlushProvider owner) : ISegmentDevice
        {
            public string Path => device.Path;
            public long Length => device.Length;
            public void Write(long offset, ReadOnlySpan<byte> data) => device.Write(offset, data);
            public int Read(long offset, Span<byte> destination) => device.Read(offset, destination);
            public bool TryGetMemory(out Memory<byte> memory) => device.TryGetMemory(out memory);
            public void Dispose() => device.Dispose();

            public void Flush()
            {
                if (Path.EndsWith("commitlog/00000000000000000000", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref owner._commitLogFlushes);
                }
                if (owner.Block && Path.EndsWith("commitlog/00000000000000000000", StringComparison.Ordinal))
                {
                    owner.Entered.TrySetResult();
                    // Simulates an fdatasync stuck in the kernel (test-only blocking).
                    owner.Release.Task.Wait();
                }
                device.Flush();
            }
        }
    }
}
