using System.Text;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Devices;

namespace Mq.Tests;

[Category("Fault")]
public sealed class RecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static async Task<List<AppendResult>> FillAsync(MessageStore store, int count, string topic = "R")
    {
        var results = new List<AppendResult>();
        for (int i = 0; i < count; i++)
        {
            var r = await store.AppendAsync(StoreHarness.Message(topic, i % 2, $"message-{i}-{new string('z', i % 50)}", tags: "T", keys: $"key-{i}"));
            Assert.That(r.Status, Is.EqualTo(PutMessageStatus.PutOk));
            results.Add(r);
        }
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        return results;
    }

    private static async Task AssertReadableAsync(MessageStore store, List<AppendResult> results, int expectedCount, string topic = "R")
    {
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        int found = 0;
        for (int queue = 0; queue < 2; queue++)
        {
            long offset = 0;
            while (true)
            {
                using var read = store.GetMessages(topic, queue, offset, 32, 1 << 20);
                if (read.Status != GetMessageStatus.Found)
                {
                    break;
                }
                foreach (var record in read.Messages)
                {
                    var m = MessageDecoder.Decode(record.Span, checkCrc: true);
                    int index = results.FindIndex(r => r.WroteOffset == m.CommitLogOffset);
                    Assert.That(index, Is.GreaterThanOrEqualTo(0));
                    Assert.That(Encoding.UTF8.GetString(m.Body), Does.StartWith($"message-{index}-"));
                    found++;
                }
                offset = read.NextBeginOffset;
            }
        }
        Assert.That(found, Is.EqualTo(expectedCount));
    }

    [Test]
    public async Task CleanShutdownKeepsEverything([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = await FillAsync(store, 300);
        store = await harness.ReopenAsync(crash: false);
        Assert.That(store.RecoveredFromCrash, Is.False);
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(results[^1].EndOffset));
        await AssertReadableAsync(store, results, 300);
        var next = await store.AppendAsync(StoreHarness.Message("R", 0, "after"));
        Assert.That(next.QueueOffset, Is.EqualTo(150), "queue offsets continue after a restart");
    }

    [Test]
    public async Task TruncationAtRandomBytePositionsKeepsEveryWholeRecord([Values] SegmentDeviceKind kind, [Values(11, 23, 42)] int seed)
    {
        var random = new Random(seed);
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = await FillAsync(store, 200);
        long max = store.CommitLogMaxOffset;
        await store.CrashAsync();

        long cut = random.NextInt64(1, max);
        long segmentStart = cut - (cut % harness.Options.MappedFileSizeCommitLog);
        var bytes = harness.ReadFile(harness.SegmentPath(segmentStart));
        Array.Clear(bytes, (int)(cut - segmentStart), bytes.Length - (int)(cut - segmentStart));
        harness.WriteFile(harness.SegmentPath(segmentStart), bytes);
        foreach (var name in harness.CommitLogFiles())
        {
            if (long.Parse(name, System.Globalization.CultureInfo.InvariantCulture) > segmentStart)
            {
                harness.Provider.Delete(Path.Combine(harness.Root, "commitlog", name));
            }
        }

        store = await harness.OpenAsync();
        int whole = results.Count(r => r.EndOffset <= cut);
        long expectedMax = whole == 0 ? 0 : results[whole - 1].EndOffset;
        Assert.That(store.RecoveredFromCrash, Is.True);
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(expectedMax).Or.EqualTo(segmentStart),
            "the log ends at the last whole record (or at the start of the cut segment when the cut hit a filler)");
        int survivors = results.Count(r => r.EndOffset <= store.CommitLogMaxOffset);
        Assert.That(survivors, Is.EqualTo(whole));
        await AssertReadableAsync(store, results, survivors);

        var after = await store.AppendAsync(StoreHarness.Message("R", 0, "after-crash"));
        Assert.That(after.Status, Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(after.QueueOffset, Is.EqualTo(results.Take(survivors).Count(r => results.IndexOf(r) % 2 == 0)), "queue offsets continue from the recovered consume queue");
        store = await harness.ReopenAsync(crash: true);
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(after.EndOffset));
    }

    [Test]
    public async Task GarbageTailIsDropped([Values] SegmentDeviceKind kind, [Values(5, 77)] int seed)
    {
        var random = new Random(seed);
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = await FillAsync(store, 120);
        long max = store.CommitLogMaxOffset;
        await store.CrashAsync();

        long segmentStart = max - (max % harness.Options.MappedFileSizeCommitLog);
        var bytes = harness.ReadFile(harness.SegmentPath(segmentStart));
        int from = (int)(max - segmentStart);
        var garbage = new byte[Math.Min(4000, bytes.Length - from)];
        random.NextBytes(garbage);
        if (seed % 2 == 1)
        {
            // A plausible-looking header: real magic, wrong CRC/size.
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(garbage, 300);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(garbage.AsSpan(4), MessageRecord.MagicCode);
        }
        garbage.CopyTo(bytes, from);
        harness.WriteFile(harness.SegmentPath(segmentStart), bytes);

        store = await harness.OpenAsync();
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(max));
        await AssertReadableAsync(store, results, 120);
        var after = await store.AppendAsync(StoreHarness.Message("R", 1, "after"));
        Assert.That(after.WroteOffset, Is.EqualTo(max));
        store = await harness.ReopenAsync(crash: true);
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(after.EndOffset), "no garbage survives behind new records");
    }

    [Test]
    public async Task DeletedConsumeQueuesAreRebuilt([Values] SegmentDeviceKind kind, [Values] bool crash)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = await FillAsync(store, 400);
        if (crash)
        {
            await store.CrashAsync();
        }
        else
        {
            await store.DisposeAsync();
        }
        harness.DeleteConsumeQueues();
        store = await harness.OpenAsync();
        Assert.That(store.GetMaxOffsetInQueue("R", 0), Is.EqualTo(200));
        Assert.That(store.GetMaxOffsetInQueue("R", 1), Is.EqualTo(200));
        await AssertReadableAsync(store, results, 400);
    }

    [Test]
    public async Task ConsumeQueueEntriesPastTheLogAreDropped([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = await FillAsync(store, 100);
        await store.CrashAsync();
        // Lose the last 10 records from the commit log but keep their consume-queue entries.
        long cut = results[89].EndOffset;
        long segmentStart = cut - (cut % harness.Options.MappedFileSizeCommitLog);
        var bytes = harness.ReadFile(harness.SegmentPath(segmentStart));
        Array.Clear(bytes, (int)(cut - segmentStart), bytes.Length - (int)(cut - segmentStart));
        harness.WriteFile(harness.SegmentPath(segmentStart), bytes);

        store = await harness.OpenAsync();
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(cut));
        Assert.That(store.GetMaxOffsetInQueue("R", 0) + store.GetMaxOffsetInQueue("R", 1), Is.EqualTo(90));
        await AssertReadableAsync(store, results, 90);
    }

    [Test]
    public async Task IndexFindsKeysAfterRecovery([Values] SegmentDeviceKind kind, [Values] bool crash)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = await FillAsync(store, 60);
        await store.AppendAsync(StoreHarness.Message("Other", 0, "other", keys: "key-5"));
        store = await harness.ReopenAsync(crash);
        using var query = store.QueryMessages("R", "key-5", 10, 0, long.MaxValue);
        Assert.That(query.Messages, Has.Count.EqualTo(1));
        Assert.That(MessageDecoder.Decode(query.Messages[0].Span).CommitLogOffset, Is.EqualTo(results[5].WroteOffset));
        using var none = store.QueryMessages("R", "key-5", 10, 0, 1000);
        Assert.That(none.Messages, Is.Empty, "outside the time range");
    }
}
