using Microsoft.Extensions.Time.Testing;
using Mq.Storage;
using Mq.Storage.Devices;

namespace Mq.Tests;

public sealed class RetentionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // Fake time fires periodic timers once per elapsed period, so the periods are long enough for
    // days of fake time to pass in a few hundred callbacks.
    private static StoreHarness Create(SegmentDeviceKind kind, FakeTimeProvider time, FixedDiskProbe disk, TimeSpan interval) =>
        new(kind, o =>
        {
            o.DeleteWhen = "04";
            o.FileReservedTime = 72;
            o.CleanResourceInterval = interval;
            o.FlushIntervalCommitLog = interval;
            o.FlushIntervalConsumeQueue = interval;
        })
        { Time = time, Disk = disk };

    private static int LiveSegments(StoreHarness harness, MessageStore store) =>
        harness.CommitLogFiles().Count(n => long.Parse(n, System.Globalization.CultureInfo.InvariantCulture) <= store.CommitLogMaxOffset);

    private static async Task WaitForLiveSegmentsAsync(StoreHarness harness, MessageStore store, int expected)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (LiveSegments(harness, store) != expected && !deadline.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None);
        }
        Assert.That(LiveSegments(harness, store), Is.EqualTo(expected));
    }

    private static async Task FillSegmentsAsync(MessageStore store, int segments, int segmentSize)
    {
        int i = 0;
        while (store.CommitLogMaxOffset < (long)segments * segmentSize)
        {
            var r = await store.AppendAsync(StoreHarness.Message("Ret", 0, $"m{i++}-" + new string('r', 500), keys: "k" + i));
            Assert.That(r.Status, Is.EqualTo(PutMessageStatus.PutOk));
        }
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
    }

    /// <summary>
    /// Fills half the first segment with <paramref name="oldTopic"/> (returns how many), then rolls the log into a third
    /// segment with <paramref name="laterTopic"/>, so the first segment is no longer the active one and can be deleted.
    /// </summary>
    private static async Task<int> OldTopicThenRollAsync(MessageStore store, int segmentSize, string oldTopic, string laterTopic)
    {
        int written = 0;
        while (store.CommitLogMaxOffset < segmentSize / 2)
        {
            Assert.That(store.Append(StoreHarness.Message(oldTopic, 0, "o" + written++)).Status, Is.EqualTo(PutMessageStatus.PutOk));
        }
        while (store.CommitLogMaxOffset < 2L * segmentSize)
        {
            Assert.That(store.Append(StoreHarness.Message(laterTopic, 0, new string('l', 400))).Status, Is.EqualTo(PutMessageStatus.PutOk));
        }
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        return written;
    }

    [Test]
    public async Task ReadingEntriesWhoseSegmentIsGoneAnswersMessageWasRemoving([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        int written = await OldTopicThenRollAsync(store, harness.Options.MappedFileSizeCommitLog, "Gone", "Other");

        // The window between retention deleting a segment and the consume queues being corrected.
        Assert.That(store.CommitLog.DeleteSegments(static s => s.StartOffset == 0, 1, "test"), Is.EqualTo(1));

        using var result = store.GetMessages("Gone", 0, 0, 32, 1 << 20);
        Assert.That(result.Status, Is.EqualTo(GetMessageStatus.MessageWasRemoving));
        Assert.That(result.MessageCount, Is.Zero);
        Assert.That(result.NextBeginOffset, Is.GreaterThan(0).And.LessThanOrEqualTo(written), "the reader moves past the removed entries");
    }

    [Test]
    public async Task CleaningExpiredConsumeQueuesDeletesQueuesWhoseMessagesAreAllGoneAndTheQueueContinuesAfterwards([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        Assert.That(store.Append(StoreHarness.Message("Protected", 0, "p")).Status, Is.EqualTo(PutMessageStatus.PutOk));
        int written = await OldTopicThenRollAsync(store, harness.Options.MappedFileSizeCommitLog, "Expired", "Live");
        Assert.That(store.Append(StoreHarness.Message("Recent", 0, "r")).Status, Is.EqualTo(PutMessageStatus.PutOk));
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        Assert.That(await store.CleanExpiredConsumeQueuesAsync(static _ => false), Is.Zero, "nothing expired yet");

        Assert.That(store.CommitLog.DeleteSegments(static s => s.StartOffset == 0, 1, "test"), Is.EqualTo(1));
        int removed = await store.CleanExpiredConsumeQueuesAsync(static topic => topic == "Protected");

        Assert.Multiple(() =>
        {
            Assert.That(removed, Is.EqualTo(1));
            Assert.That(store.ConsumeQueueTopics(), Does.Not.Contain("Expired"));
            Assert.That(store.ConsumeQueueTopics(), Is.SupersetOf(new[] { "Live", "Recent" }), "queues with messages still in the log stay");
            Assert.That(store.ConsumeQueueTopics(), Does.Contain("Protected"), "the caller's exceptions stay");
        });

        // The queue's numbering goes on: the next message is found at the offset after the deleted ones.
        AppendResult next = store.Append(StoreHarness.Message("Expired", 0, "after"));
        Assert.That(next.QueueOffset, Is.EqualTo(written));
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        using var result = store.GetMessages("Expired", 0, written, 32, 1 << 20);
        Assert.That((result.Status, result.MessageCount), Is.EqualTo((GetMessageStatus.Found, 1)));
        Assert.That(store.GetMinOffsetInQueue("Expired", 0), Is.EqualTo(written));
    }

    [Test]
    public async Task WorkBetweenDispatchPassesReportsItsFailureLeavesTheLoopRunningAndIsCancelledByAStop()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.File);
        var store = await harness.OpenAsync();
        Assert.That(store.Append(StoreHarness.Message("Before", 0, "b")).Status, Is.EqualTo(PutMessageStatus.PutOk));
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);

        Assert.That(() => store.CleanExpiredConsumeQueuesAsync(static _ => throw new InvalidOperationException("bad filter")),
            Throws.InvalidOperationException.With.Message.EqualTo("bad filter"));
        AppendResult after = store.Append(StoreHarness.Message("After", 0, "a"));
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        Assert.That(store.GetMaxOffsetInQueue("After", 0), Is.EqualTo(after.QueueOffset + 1), "the dispatch loop went on");

        await store.DisposeAsync();
        Assert.That(async () => await store.CleanExpiredConsumeQueuesAsync(static _ => false).WaitAsync(Timeout),
            Throws.InstanceOf<OperationCanceledException>(), "a stopped store answers at once instead of hanging");
    }

    [Test]
    public async Task AManualDeleteRemovesExpiredSegmentsOutsideTheConfiguredHourButNotYoungOnes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var disk = new FixedDiskProbe();
        await using var harness = Create(SegmentDeviceKind.File, time, disk, TimeSpan.FromMinutes(30));
        var store = await harness.OpenAsync();
        await FillSegmentsAsync(store, 3, harness.Options.MappedFileSizeCommitLog);
        int before = LiveSegments(harness, store);

        store.DeleteExpiredFilesManually();
        time.Advance(TimeSpan.FromMinutes(30)); // 00:30: a pass, but nothing is 72 h old
        Assert.That(LiveSegments(harness, store), Is.EqualTo(before), "a manual delete never removes young segments");

        time.Advance(TimeSpan.FromHours(72)); // 00:30 three days later: expired, hours from the 04:00 delete hour
        await WaitForLiveSegmentsAsync(harness, store, 1);
    }

    [Test]
    public async Task DeletesExpiredSegmentsAtTheConfiguredHour([Values] SegmentDeviceKind kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var disk = new FixedDiskProbe();
        await using var harness = Create(kind, time, disk, TimeSpan.FromMinutes(30));
        var store = await harness.OpenAsync();
        await FillSegmentsAsync(store, 3, harness.Options.MappedFileSizeCommitLog);
        int before = LiveSegments(harness, store);
        Assert.That(before, Is.GreaterThanOrEqualTo(4));

        time.Advance(TimeSpan.FromHours(2)); // 02:00: not expired, not the hour
        Assert.That(LiveSegments(harness, store), Is.EqualTo(before));
        time.Advance(TimeSpan.FromHours(72)); // 02:00 three days later: expired but not the delete hour
        Assert.That(LiveSegments(harness, store), Is.EqualTo(before));
        time.Advance(TimeSpan.FromHours(2)); // 04:00: delete all but the active segment
        await WaitForLiveSegmentsAsync(harness, store, 1);

        long min = store.CommitLogMinOffset;
        Assert.That(min, Is.EqualTo(3L * harness.Options.MappedFileSizeCommitLog));
        long cqMin = store.GetMinOffsetInQueue("Ret", 0);
        Assert.That(cqMin, Is.GreaterThan(0));
        using (var old = store.GetMessages("Ret", 0, 0, 10, 1 << 20))
        {
            Assert.That(old.Status, Is.EqualTo(GetMessageStatus.OffsetTooSmall));
            Assert.That(old.NextBeginOffset, Is.EqualTo(cqMin));
        }
        using (var current = store.GetMessages("Ret", 0, cqMin, 10, 1 << 20))
        {
            Assert.That(current.Status, Is.EqualTo(GetMessageStatus.Found));
            Assert.That(Mq.Messages.MessageDecoder.Decode(current.Messages[0].Span).CommitLogOffset, Is.GreaterThanOrEqualTo(min));
        }
        var consumeQueueFiles = harness.Provider.ListFiles(Path.Combine(harness.Root, "consumequeue", "Ret", "0"));
        Assert.That(consumeQueueFiles[0], Is.Not.EqualTo("00000000000000000000"), "consume-queue files pointing only into deleted segments are gone");

        store = await harness.ReopenAsync(crash: false);
        Assert.That(store.CommitLogMinOffset, Is.EqualTo(min));
        Assert.That(store.GetMinOffsetInQueue("Ret", 0), Is.EqualTo(cqMin));
    }

    [Test]
    public async Task CleansEarlyWhenTheDiskFillsAndRefusesWritesWhenFull([Values] SegmentDeviceKind kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var disk = new FixedDiskProbe();
        await using var harness = Create(kind, time, disk, TimeSpan.FromSeconds(10));
        var store = await harness.OpenAsync();
        await FillSegmentsAsync(store, 2, harness.Options.MappedFileSizeCommitLog);
        int before = LiveSegments(harness, store);

        disk.Ratio = 0.80; // above 75 %: only expired files go, nothing is expired yet
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(LiveSegments(harness, store), Is.EqualTo(before));

        disk.Ratio = 0.87; // above the force ratio: oldest segments go even though young
        time.Advance(TimeSpan.FromSeconds(10));
        // A deleted segment's file goes when its last reader lets go (the flusher may hold it for a moment).
        await WaitForLiveSegmentsAsync(harness, store, 1);
        Assert.That(store.Append(StoreHarness.Message("Ret", 0, "still writable")).Status, Is.EqualTo(PutMessageStatus.PutOk));

        disk.Ratio = 0.95; // above 90 %: refuse
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(store.WriteRefusal, Is.EqualTo(WriteRefusal.DiskFull));
        Assert.That(store.Append(StoreHarness.Message("Ret", 0, "refused")).Status, Is.EqualTo(PutMessageStatus.ServiceNotAvailable));
        Assert.That((await store.AppendAsync(StoreHarness.Message("Ret", 0, "refused"))).Status, Is.EqualTo(PutMessageStatus.ServiceNotAvailable));

        disk.Ratio = 0.50; // space returns: resume by itself
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.That(store.WriteRefusal, Is.EqualTo(WriteRefusal.None));
        Assert.That(store.Append(StoreHarness.Message("Ret", 0, "resumed")).Status, Is.EqualTo(PutMessageStatus.PutOk));
    }
}
