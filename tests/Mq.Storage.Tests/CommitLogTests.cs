using System.Text;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Devices;

namespace Mq.Tests;

public sealed class CommitLogTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Store_times_keep_log_order_across_small_clock_skew_and_follow_a_clock_that_is_set_back()
    {
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        await using var harness = new StoreHarness(SegmentDeviceKind.Memory) { Time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(start) };
        var store = await harness.OpenAsync();
        var first = store.Append(StoreHarness.Message("Clock", 0, "a"));
        Assert.That(first.StoreTimestamp, Is.EqualTo(start.ToUnixTimeMilliseconds()));

        // A reading a little behind the previous record's (two appenders took the lock in the other order than
        // they read the clock) does not put the record's time before its predecessor's.
        harness.Time.AdjustTime(start.AddMilliseconds(-3));
        var skewed = store.Append(StoreHarness.Message("Clock", 0, "b"));
        Assert.That(skewed.StoreTimestamp, Is.EqualTo(first.StoreTimestamp));

        // A clock set back by minutes is the time now: records are not stamped with a time that stands still.
        var setBack = start.AddMinutes(-5);
        harness.Time.AdjustTime(setBack);
        var afterStep = store.Append(StoreHarness.Message("Clock", 0, "c"));
        Assert.That(afterStep.StoreTimestamp, Is.EqualTo(setBack.ToUnixTimeMilliseconds()));
        harness.Time.Advance(TimeSpan.FromMilliseconds(7));
        Assert.That(store.Append(StoreHarness.Message("Clock", 0, "d")).StoreTimestamp, Is.EqualTo(setBack.ToUnixTimeMilliseconds() + 7));
    }

    [Test]
    public async Task RoundTripsMessagesThroughTheConsumeQueue([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        var results = new List<AppendResult>();
        for (int i = 0; i < 50; i++)
        {
            var result = await store.AppendAsync(StoreHarness.Message("TopicA", i % 2, $"body-{i}", tags: "TagA"));
            Assert.That(result.Status, Is.EqualTo(PutMessageStatus.PutOk));
            results.Add(result);
        }
        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);

        using var read = store.GetMessages("TopicA", 0, 0, 32, 1 << 20);
        Assert.That(read.Status, Is.EqualTo(GetMessageStatus.Found));
        Assert.That(read.MessageCount, Is.EqualTo(25));
        Assert.That(read.NextBeginOffset, Is.EqualTo(25));
        Assert.That(read.MaxOffset, Is.EqualTo(25));
        for (int i = 0; i < read.MessageCount; i++)
        {
            var message = MessageDecoder.Decode(read.Messages[i].Span, checkCrc: true);
            Assert.That(Encoding.UTF8.GetString(message.Body), Is.EqualTo($"body-{i * 2}"));
            Assert.That(message.QueueOffset, Is.EqualTo(i));
            Assert.That(message.CommitLogOffset, Is.EqualTo(results[i * 2].WroteOffset));
            Assert.That(message.StoreHost, Is.EqualTo(StoreHarness.StoreHost));
            Assert.That(message.Tags, Is.EqualTo("TagA"));
        }

        string id = results[7].OffsetMessageId(StoreHarness.StoreHost);
        using (var byId = store.ReadMessage(id))
        {
            Assert.That(byId, Is.Not.Null);
            Assert.That(Encoding.UTF8.GetString(byId!.Decode().Body), Is.EqualTo("body-7"));
        }
        Assert.That(store.ReadMessage(results[7].WroteOffset + 1), Is.Null, "an offset inside a record is not a message");
    }

    [Test]
    public async Task RollsOverExactlyAtTheSegmentBoundary([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        int segment = harness.Options.MappedFileSizeCommitLog;
        var probe = await store.AppendAsync(StoreHarness.Message("T", 0, new string('x', 100)));
        int size = probe.WroteBytes;
        // Fill so that exactly size + 8 bytes remain: the next record still fits, leaving room for a filler.
        while (segment - store.CommitLogMaxOffset >= (3 * size) + 8)
        {
            await store.AppendAsync(StoreHarness.Message("T", 0, new string('x', 100)));
        }
        long padSize = segment - store.CommitLogMaxOffset - (size + 8);
        var pad = await store.AppendAsync(StoreHarness.Message("T", 0, new string('p', 100 + (int)(padSize - size))));
        Assert.That(pad.Status, Is.EqualTo(PutMessageStatus.PutOk));
        Assert.That(segment - store.CommitLogMaxOffset, Is.EqualTo(size + 8), "set-up: exactly one record plus a filler header remain");

        var fits = await store.AppendAsync(StoreHarness.Message("T", 0, new string('x', 100)));
        Assert.That(fits.EndOffset, Is.EqualTo(segment - 8), "a record that leaves exactly 8 bytes stays in the segment");
        var rolled = await store.AppendAsync(StoreHarness.Message("T", 0, new string('x', 100)));
        Assert.That(rolled.WroteOffset, Is.EqualTo(segment), "the next record starts the next segment");

        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        using var read = store.GetMessages("T", 0, rolled.QueueOffset - 1, 2, 1 << 20);
        Assert.That(read.MessageCount, Is.EqualTo(2));
        Assert.That(MessageDecoder.Decode(read.Messages[1].Span).CommitLogOffset, Is.EqualTo(segment));

        await store.DisposeAsync();
        var first = harness.ReadFile(harness.SegmentPath(0));
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(first.AsSpan(segment - 8)), Is.EqualTo(8), "filler size");
        Assert.That(System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(first.AsSpan(segment - 4)), Is.EqualTo(MessageRecord.BlankMagicCode));
        Assert.That(harness.CommitLogFiles(), Does.Contain("00000000000000065536"));

        store = await harness.OpenAsync();
        Assert.That(store.CommitLogMaxOffset, Is.EqualTo(rolled.EndOffset));
        Assert.That(store.GetMaxOffsetInQueue("T", 0), Is.EqualTo(rolled.QueueOffset + 1));
    }

    [Test]
    public async Task AppendsABatchInOneReservation([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        await store.AppendAsync(StoreHarness.Message("B", 1, "before"));
        var body = new List<byte>();
        for (int i = 0; i < 5; i++)
        {
            body.AddRange(BatchMessageReader.EncodeInner(i, Encoding.UTF8.GetBytes($"inner-{i}"), MessageProperties.Encode([new("TAGS", "T" + i), new("UNIQ_KEY", "U" + i)])));
        }
        var batch = new MessageBatchToStore
        {
            Topic = "B",
            QueueId = 1,
            BornHost = StoreHarness.BornHost,
            StoreHost = StoreHarness.StoreHost,
            Body = body.ToArray(),
            ExtraProperties = MessageProperties.Encode([new("CLUSTER", "c1")]),
        };
        var result = await store.AppendBatchAsync(batch);
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(PutMessageStatus.PutOk));
            Assert.That(result.MessageCount, Is.EqualTo(5));
            Assert.That(result.QueueOffset, Is.EqualTo(1));
        });
        string ids = store.BatchOffsetMessageIds(result, StoreHarness.StoreHost);
        Assert.That(ids.Split(','), Has.Length.EqualTo(5));

        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        using var read = store.GetMessages("B", 1, 1, 32, 1 << 20);
        Assert.That(read.MessageCount, Is.EqualTo(5));
        for (int i = 0; i < 5; i++)
        {
            var m = MessageDecoder.Decode(read.Messages[i].Span, checkCrc: true);
            Assert.That(m.QueueOffset, Is.EqualTo(1 + i));
            Assert.That(m.Flag, Is.EqualTo(i));
            Assert.That(m.Tags, Is.EqualTo("T" + i));
            Assert.That(m.Properties["CLUSTER"], Is.EqualTo("c1"));
            Assert.That(m.Properties["UNIQ_KEY"], Is.EqualTo("U" + i));
            Assert.That(m.OffsetMessageId, Is.EqualTo(ids.Split(',')[i]));
        }

        batch.Body = new byte[] { 0, 0, 0, 9 };
        Assert.That((await store.AppendBatchAsync(batch)).Status, Is.EqualTo(PutMessageStatus.MessageIllegal));
    }

    [Test]
    public async Task RejectsIllegalMessages()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.Memory);
        var store = await harness.OpenAsync();
        var tooBig = StoreHarness.Message("T", 0, new string('x', harness.Options.MaxMessageSize));
        var longTopic = StoreHarness.Message(new string('t', 128), 0, "x");
        var bigProps = StoreHarness.Message("T", 0, "x");
        bigProps.Properties = new byte[40000];
        Assert.Multiple(() =>
        {
            Assert.That(store.Append(tooBig).Status, Is.EqualTo(PutMessageStatus.MessageIllegal));
            Assert.That(store.Append(longTopic).Status, Is.EqualTo(PutMessageStatus.MessageIllegal));
            Assert.That(store.Append(bigProps).Status, Is.EqualTo(PutMessageStatus.PropertiesSizeExceeded));
            Assert.That(store.CommitLogMaxOffset, Is.Zero, "nothing was written");
        });
    }

    [Test]
    public async Task ConcurrentAppendersGetUniqueContiguousQueueOffsets([Values] SegmentDeviceKind kind)
    {
        await using var harness = new StoreHarness(kind);
        var store = await harness.OpenAsync();
        const int Writers = 4;
        const int PerWriter = 300;
        var all = new System.Collections.Concurrent.ConcurrentBag<(int Queue, AppendResult Result)>();
        var tasks = new Task[Writers];
        for (int w = 0; w < Writers; w++)
        {
            int writer = w;
            tasks[w] = Task.Run(() =>
            {
                for (int i = 0; i < PerWriter; i++)
                {
                    int queue = i % 3;
                    var r = store.Append(StoreHarness.Message("C", queue, $"w{writer}-{i}"));
                    Assert.That(r.Status, Is.EqualTo(PutMessageStatus.PutOk));
                    all.Add((queue, r));
                }
            });
        }
        await Task.WhenAll(tasks).WaitAsync(Timeout);
        for (int queue = 0; queue < 3; queue++)
        {
            var ordered = all.Where(x => x.Queue == queue).Select(x => x.Result).OrderBy(r => r.QueueOffset).ToList();
            Assert.That(ordered.Select(r => r.QueueOffset), Is.EqualTo(Enumerable.Range(0, ordered.Count).Select(i => (long)i)), $"queue {queue} offsets");
            Assert.That(ordered.Select(r => r.WroteOffset), Is.Ordered.Ascending, "physical order follows queue order");
        }
        Assert.That(all.Select(r => r.Result.WroteOffset).Distinct().Count(), Is.EqualTo(Writers * PerWriter));

        await store.WaitForDispatchAsync(store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        Assert.That(store.GetMaxOffsetInQueue("C", 0) + store.GetMaxOffsetInQueue("C", 1) + store.GetMaxOffsetInQueue("C", 2), Is.EqualTo(Writers * PerWriter));
    }
}
