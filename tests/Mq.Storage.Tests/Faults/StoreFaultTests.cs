using System.Text;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Devices;
using Mq.TestKit;

namespace Mq.Tests.Faults;

/// <summary>
/// The store under injected device faults: failed and short commit-log writes, a disk that cannot create files,
/// failed consume-queue writes, a full disk at open, a store folder deleted under a running store. What was
/// acknowledged stays readable; what failed is never stored half-written, before or after a crash.
/// </summary>
[Category("Fault")]
public sealed class StoreFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static (StoreHarness Harness, FaultySegmentDeviceProvider Faulty) Create(Action<StoreOptions>? configure = null)
    {
        var harness = new StoreHarness(SegmentDeviceKind.File, configure);
        var faulty = new FaultySegmentDeviceProvider(harness.Provider);
        harness.Provider = faulty;
        return (harness, faulty);
    }

    /// <summary>Every message of a queue, read from 0 through the consume queue (CRC checked).</summary>
    private static async Task<List<DecodedMessage>> ReadQueueAsync(MessageStore store, string topic, int queueId)
    {
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        var messages = new List<DecodedMessage>();
        long offset = 0;
        while (true)
        {
            using var read = store.GetMessages(topic, queueId, offset, 32, 1 << 20);
            if (read.Status != GetMessageStatus.Found)
            {
                return messages;
            }
            foreach (var record in read.Messages)
            {
                messages.Add(MessageDecoder.Decode(record.Span, checkCrc: true));
            }
            offset = read.NextBeginOffset;
        }
    }

    private static List<string> Bodies(List<DecodedMessage> messages) => messages.ConvertAll(m => Encoding.UTF8.GetString(m.Body));

    [Test]
    public async Task AFailedOrShortCommitLogWriteIsRefusedAndNeverRecovered([Values(0, 6, 40, 100_000)] int shortWriteBytes, [Values] bool crashDuringFault)
    {
        var (harness, faulty) = Create();
        await using var _ = harness;
        faulty.Target = FaultySegmentDeviceProvider.CommitLogOnly;
        var store = await harness.OpenAsync();
        Assert.That((await store.AppendAsync(StoreHarness.Message("W", 0, "before", keys: "k0"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        long end = store.CommitLogMaxOffset;

        faulty.FailWrite = true;
        faulty.ShortWriteBytes = shortWriteBytes;
        var failed = await store.AppendAsync(StoreHarness.Message("W", 0, "failed-" + new string('x', 200), keys: "k1"));
        Assert.That(failed.Status, Is.EqualTo(PutMessageStatus.UnknownError), "a failed write is never reported stored");
        var batch = new MessageBatchToStore
        {
            Topic = "W",
            QueueId = 0,
            BornHost = StoreHarness.BornHost,
            StoreHost = StoreHarness.StoreHost,
            Body = BatchBody("failed-batch-1", "failed-batch-2"),
        };
        Assert.That(store.AppendBatch(batch).Status, Is.EqualTo(PutMessageStatus.UnknownError));
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(end), "nothing published");
        Assert.That(Bodies(await ReadQueueAsync(store, "W", 0)), Is.EqualTo(new[] { "before" }), "reads are served during the fault");

        if (crashDuringFault)
        {
            // Crash with the torn bytes still in the segment, then recover with a healthy device.
            await store.CrashAsync();
            faulty.FailWrite = false;
            store = await harness.OpenAsync();
            Assert.That(store.CommitLogMaxOffset, Is.EqualTo(end), "recovery stops before the torn write");
        }
        else
        {
            faulty.FailWrite = false;
        }
        var after = await store.AppendAsync(StoreHarness.Message("W", 0, "after", keys: "k2"));
        Assert.That(after.Status, Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(after.QueueOffset, Is.EqualTo(1), "the failed appends consumed no queue offset");

        store = await harness.ReopenAsync(crash: true);
        var messages = await ReadQueueAsync(store, "W", 0);
        Assert.That(Bodies(messages), Is.EqualTo(new[] { "before", "after" }));
        Assert.That(messages.ConvertAll(m => m.QueueOffset), Is.EqualTo(new long[] { 0, 1 }));
        Assert.That(store.GetMaxOffsetInQueue("W", 0), Is.EqualTo(2));
    }

    [Test]
    public async Task SegmentCreationOnAFullDiskFailsTheSendAndResumesWhenSpaceReturns()
    {
        var (harness, faulty) = Create(o => o.WarmMappedFileEnable = false);
        await using var _ = harness;
        faulty.Target = FaultySegmentDeviceProvider.CommitLogOnly;
        var store = await harness.OpenAsync();
        var stored = new List<string>();
        // Fill the first segment; the second was prepared in the background before the disk filled.
        while (store.CommitLogMaxOffset < harness.Options.MappedFileSizeCommitLog / 2)
        {
            string body = "m" + stored.Count + new string('f', 900);
            Assert.That((await store.AppendAsync(StoreHarness.Message("D", 0, body))).Status, Is.EqualTo(PutMessageStatus.PutOk));
            stored.Add(body);
        }
        faulty.DiskFull = true;
        PutMessageStatus status;
        int guard = 0;
        do
        {
            string body = "m" + stored.Count + new string('f', 900);
            status = (await store.AppendAsync(StoreHarness.Message("D", 0, body))).Status;
            if (status == PutMessageStatus.PutOk)
            {
                stored.Add(body);
            }
        }
        while (status == PutMessageStatus.PutOk && ++guard < 1000);
        Assert.That(status, Is.EqualTo(PutMessageStatus.CreateMappedFileFailed), "no segment can be created on a full disk");
        Assert.That(store.Append(StoreHarness.Message("D", 0, "refused again")).Status, Is.EqualTo(PutMessageStatus.CreateMappedFileFailed));
        Assert.That(Bodies(await ReadQueueAsync(store, "D", 0)), Is.EqualTo(stored), "reads are served while the disk is full");

        faulty.DiskFull = false;
        Assert.That((await store.AppendAsync(StoreHarness.Message("D", 0, "resumed"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        stored.Add("resumed");
        store = await harness.ReopenAsync(crash: true);
        Assert.That(Bodies(await ReadQueueAsync(store, "D", 0)), Is.EqualTo(stored));
    }

    [Test]
    public async Task ConsumeQueueWriteFailuresDelayReadsButLoseNothing()
    {
        var (harness, faulty) = Create();
        await using var _ = harness;
        faulty.Target = path => path.Contains($"{Path.DirectorySeparatorChar}consumequeue{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        var store = await harness.OpenAsync();
        Assert.That((await store.AppendAsync(StoreHarness.Message("Q", 0, "one"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);

        faulty.FailWrite = true;
        faulty.DiskFull = true;
        var two = await store.AppendAsync(StoreHarness.Message("Q", 0, "two"));
        var three = await store.AppendAsync(StoreHarness.Message("Q", 1, "three"));
        Assert.That((two.Status, three.Status), Is.EqualTo((PutMessageStatus.PutOk, PutMessageStatus.PutOk)), "the commit log is healthy");
        Assert.That(Bodies(await ReadQueueAsyncNoWait(store, "Q", 0)), Is.EqualTo(new[] { "one" }), "served what is indexed");

        // The device heals while nobody appends: the dispatcher retries by itself.
        faulty.FailWrite = false;
        faulty.DiskFull = false;
        Assert.That(Bodies(await ReadQueueAsync(store, "Q", 0)), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(Bodies(await ReadQueueAsync(store, "Q", 1)), Is.EqualTo(new[] { "three" }));
    }

    private static async Task<List<DecodedMessage>> ReadQueueAsyncNoWait(MessageStore store, string topic, int queueId)
    {
        await Task.Yield();
        var messages = new List<DecodedMessage>();
        using var read = store.GetMessages(topic, queueId, 0, 32, 1 << 20);
        foreach (var record in read.Messages)
        {
            messages.Add(MessageDecoder.Decode(record.Span, checkCrc: true));
        }
        return messages;
    }

    [Test]
    public async Task AStoreOpenedOnAFullDiskRefusesAppendsAtOnce()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.Memory) { Disk = new FixedDiskProbe { Ratio = 0.95 } };
        var store = await harness.OpenAsync();
        Assert.That(store.WriteRefusal, Is.EqualTo(WriteRefusal.DiskFull));
        Assert.That(store.DiskUsedRatio, Is.EqualTo(0.95));
        Assert.That(store.Append(StoreHarness.Message("F", 0, "refused")).Status, Is.EqualTo(PutMessageStatus.ServiceNotAvailable));
    }

    [Test]
    public async Task ShutdownDoesNotHangOnAConsumeQueueThatCannotBeWritten_AndTheNextOpenRebuildsIt()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var (harness, faulty) = Create();
        await using var _ = harness;
        harness.Time = time;
        faulty.Target = path => path.Contains($"{Path.DirectorySeparatorChar}consumequeue{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        var store = await harness.OpenAsync();
        faulty.FailWrite = true;
        faulty.DiskFull = true;
        Assert.That((await store.AppendAsync(StoreHarness.Message("S", 0, "kept"))).Status, Is.EqualTo(PutMessageStatus.PutOk));

        Task dispose = store.DisposeAsync().AsTask();
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            // The shutdown gives the dispatcher a bounded time (on the store's clock) to catch up.
            while (!dispose.IsCompleted)
            {
                deadline.Token.ThrowIfCancellationRequested();
                time.Advance(TimeSpan.FromSeconds(11));
                await Task.WhenAny(dispose, Task.Delay(20, deadline.Token));
            }
        }
        await dispose;

        faulty.FailWrite = false;
        faulty.DiskFull = false;
        store = await harness.OpenAsync();
        Assert.That(Bodies(await ReadQueueAsync(store, "S", 0)), Is.EqualTo(new[] { "kept" }));
    }

    [Test]
    public async Task DisposeToleratesADeletedStoreFolder([Values(SegmentDeviceKind.Mapped, SegmentDeviceKind.File)] SegmentDeviceKind kind)
    {
        var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        Assert.That((await store.AppendAsync(StoreHarness.Message("X", 0, "gone soon"))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        // Background services (segment allocator, checkpoint) may create a file while the recursive delete runs,
        // which fails the delete itself ("directory not empty"); that is not what this test is about, so retry.
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (Directory.Exists(harness.Root))
            {
                try
                {
                    Directory.Delete(harness.Root, recursive: true);
                }
                catch (IOException)
                {
                    await Task.Delay(5, deadline.Token);
                }
            }
        }
        Assert.DoesNotThrowAsync(async () => await store.DisposeAsync());
        await harness.DisposeAsync();
    }

    private static byte[] BatchBody(params string[] bodies)
    {
        var output = new MemoryStream();
        foreach (string text in bodies)
        {
            output.Write(BatchMessageReader.EncodeInner(0, Encoding.UTF8.GetBytes(text), ReadOnlySpan<byte>.Empty));
        }
        return output.ToArray();
    }
}
