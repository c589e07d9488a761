using Microsoft.Extensions.Time.Testing;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

/// <summary>The maintenance commands mqadmin sends: consumeTimeSpan, system topics, cleanExpiredCQ, queryCq, cleanUnusedTopic, cloneGroupOffset, correction offsets.</summary>
[Category("Integration")]
public sealed class AdminMaintenanceTests
{
    private TempDirectory _directory = null!;
    private Broker _broker = null!;
    private BrokerTestClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = new TempDirectory();
        _broker = await BrokerHarness.StartAsync(_directory.Path);
        _client = new BrokerTestClient(_broker.Address);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    private async Task SendAsync(string topic, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using RemotingCommand sent = await _client.SendAsync(topic, "body"u8.ToArray());
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
    }

    [Test]
    public async Task Consume_time_span_reports_store_times_of_the_oldest_newest_and_last_consumed_message_per_queue()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using Broker broker = await Broker.StartAsync(BrokerHarness.Options(directory.Path), null, time);
        await using var client = new BrokerTestClient(broker.Address);
        for (int i = 0; i < 3; i++)
        {
            using RemotingCommand sent = await client.SendAsync("SpanTopic", "body"u8.ToArray());
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
            time.Advance(TimeSpan.FromSeconds(1));
        }
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        broker.Offsets.Commit("G", "SpanTopic", 0, 1);
        long first = time.GetUtcNow().AddSeconds(-3).ToUnixTimeMilliseconds();
        time.Advance(TimeSpan.FromHours(1));

        using RemotingCommand unknown = await client.InvokeAsync(RequestCode.QueryConsumeTimeSpan, BrokerTestClient.Fields(("topic", "NoSuchTopic"), ("group", "G")));
        using RemotingCommand consumed = await client.InvokeAsync(RequestCode.QueryConsumeTimeSpan, BrokerTestClient.Fields(("topic", "SpanTopic"), ("group", "G")));
        using RemotingCommand fresh = await client.InvokeAsync(RequestCode.QueryConsumeTimeSpan, BrokerTestClient.Fields(("topic", "SpanTopic"), ("group", "NEVER")));
        Assert.That((unknown.Code, unknown.Remark), Is.EqualTo((ResponseCode.TopicNotExist, "topic[NoSuchTopic] not exist")));
        Assert.That(consumed.Code, Is.EqualTo(ResponseCode.Success), consumed.Remark);
        List<QueueTimeSpan> spans = QueryConsumeTimeSpanBody.Decode(consumed.Body.Span).ConsumeTimeSpanSet;
        QueueTimeSpan queue0 = spans.Single(s => s.MessageQueue.QueueId == 0);
        QueueTimeSpan neverConsumed = QueryConsumeTimeSpanBody.Decode(fresh.Body.Span).ConsumeTimeSpanSet.Single(s => s.MessageQueue.QueueId == 0);
        const long Hour = 3_600_000;
        Assert.Multiple(() =>
        {
            Assert.That(spans, Has.Count.EqualTo(broker.Topics.Find("SpanTopic")!.WriteQueueNums), "one span per writable queue");
            Assert.That(queue0.MessageQueue, Is.EqualTo(new MessageQueue("SpanTopic", broker.Options.BrokerName, 0)));
            Assert.That((queue0.MinTimeStamp, queue0.MaxTimeStamp, queue0.ConsumeTimeStamp), Is.EqualTo((first, first + 2000, first)));
            Assert.That(queue0.DelayTime, Is.EqualTo(Hour + 2000), "the next message, stored 1 s after the first, has waited since (clock: first + 3 s + 1 h)");
            Assert.That(neverConsumed.ConsumeTimeStamp, Is.EqualTo(first), "nothing consumed: counted from the oldest message");
            Assert.That(neverConsumed.DelayTime, Is.EqualTo(Hour + 3000));
            QueueTimeSpan empty = spans.Single(s => s.MessageQueue.QueueId == 1);
            Assert.That((empty.MinTimeStamp, empty.MaxTimeStamp, empty.DelayTime), Is.EqualTo((-1L, -1L, 0L)), "an empty queue");
        });
    }

    [Test]
    public async Task The_system_topic_list_names_the_reserved_topics_and_this_brokers_own()
    {
        using RemotingCommand response = await _client.InvokeAsync(RequestCode.GetSystemTopicListFromBroker);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(TopicList.Decode(response.Body.Span).Topics,
            Is.SupersetOf(new[] { "TBW102", "SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", _broker.Options.BrokerClusterName, _broker.Options.BrokerName }));
    }

    [Test]
    public async Task All_producer_info_lists_every_producer_channel_by_group_and_a_manual_commit_log_delete_is_accepted()
    {
        using (RemotingCommand beat = await _client.HeartbeatAsync(null, [], producerGroup: "PG_LISTED"))
        {
            Assert.That(beat.Code, Is.EqualTo(ResponseCode.Success));
        }

        using RemotingCommand producers = await _client.InvokeAsync(RequestCode.GetAllProducerInfo);
        using RemotingCommand delete = await _client.InvokeAsync(RequestCode.DeleteExpiredCommitlog);

        Assert.Multiple(() =>
        {
            Assert.That(producers.Code, Is.EqualTo(ResponseCode.Success));
            ProducerInfo listed = ProducerTableInfo.Decode(producers.Body.Span).Data["PG_LISTED"].Single();
            Assert.That(listed.ClientId, Is.EqualTo(_client.ClientId));
            Assert.That(listed.RemoteIP, Does.StartWith("/127.0.0.1:"), "Java prints the channel address with a leading slash");
            Assert.That(listed.Language, Is.EqualTo("DOTNET"), "the test client speaks as .NET");
            Assert.That(listed.LastUpdateTimestamp, Is.Positive);
            Assert.That(delete.Code, Is.EqualTo(ResponseCode.Success));
        });
    }

    [Test]
    public async Task Clean_unused_topic_deletes_consume_queues_no_topic_config_owns_and_keeps_the_rest()
    {
        await SendAsync("Orphaned", 2);
        await SendAsync("Kept", 2);
        // The config goes, the queues stay (what a lost or hand-edited topics.json leaves behind).
        _broker.Topics.Delete("Orphaned");
        Assert.That(_broker.Store.ConsumeQueueTopics(), Does.Contain("Orphaned"));

        using RemotingCommand response = await _client.InvokeAsync(RequestCode.CleanUnusedTopic);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        Assert.Multiple(() =>
        {
            Assert.That(_broker.Store.ConsumeQueueTopics(), Does.Not.Contain("Orphaned"));
            Assert.That(_broker.Store.ConsumeQueueTopics(), Does.Contain("Kept"));
            Assert.That(_broker.Store.GetMaxOffsetInQueue("Kept", 0), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Clean_expired_consume_queue_deletes_queues_whose_messages_retention_removed()
    {
        await SendAsync("ExpiresFirst", 1);
        // Fill the first 8 MiB segment so that the next messages roll into the second one.
        byte[] big = new byte[1000 * 1024];
        while (_broker.Store.CommitLogMaxOffset < _broker.Options.MappedFileSizeCommitLog + 1)
        {
            using RemotingCommand sent = await _client.SendAsync("Filler", big);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        Assert.That(_broker.Store.CommitLog.DeleteSegments(static s => s.StartOffset == 0, 1, "test"), Is.EqualTo(1), "retention removes the first segment");

        using RemotingCommand response = await _client.InvokeAsync(RequestCode.CleanExpiredConsumeQueue);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        Assert.Multiple(() =>
        {
            Assert.That(_broker.Store.ConsumeQueueTopics(), Does.Not.Contain("ExpiresFirst"));
            Assert.That(_broker.Store.ConsumeQueueTopics(), Does.Contain("Filler"), "its newest message is in the second segment");
            Assert.That(_broker.Topics.Find("ExpiresFirst"), Is.Not.Null, "the topic itself stays; only its empty queue goes");
        });
    }

    [Test]
    public async Task Query_consume_queue_returns_the_entries_from_an_index_with_the_queues_bounds_and_the_groups_subscription()
    {
        var sentOffsets = new List<long>();
        foreach (string tag in (string[])["TagA", "TagB", "TagC"])
        {
            using RemotingCommand sent = await _client.SendAsync("CqTopic", "body"u8.ToArray(), BrokerTestClient.Properties(("TAGS", tag)));
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
            Assert.That(Mq.Messages.OffsetMessageId.TryParse(sent.ExtFields["msgId"]!, out _, out long offset), Is.True);
            sentOffsets.Add(offset);
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        using (RemotingCommand hb = await _client.HeartbeatAsync("CQ_GROUP", [("CqTopic", "TagA || TagB")]))
        {
            Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
        }

        using RemotingCommand found = await _client.InvokeAsync(RequestCode.QueryConsumeQueue,
            BrokerTestClient.Fields(("topic", "CqTopic"), ("queueId", 0), ("index", 1), ("count", 5), ("consumerGroup", "CQ_GROUP")));
        using RemotingCommand offline = await _client.InvokeAsync(RequestCode.QueryConsumeQueue,
            BrokerTestClient.Fields(("topic", "CqTopic"), ("queueId", 0), ("index", 9), ("count", 5), ("consumerGroup", "NOBODY")));
        using RemotingCommand missing = await _client.InvokeAsync(RequestCode.QueryConsumeQueue,
            BrokerTestClient.Fields(("topic", "CqTopic"), ("queueId", 3), ("index", 0), ("count", 5)));

        Assert.That(found.Code, Is.EqualTo(ResponseCode.Success), found.Remark);
        QueryConsumeQueueResponseBody body = QueryConsumeQueueResponseBody.Decode(found.Body.Span);
        QueryConsumeQueueResponseBody none = QueryConsumeQueueResponseBody.Decode(offline.Body.Span);
        Assert.Multiple(() =>
        {
            Assert.That((body.MinQueueIndex, body.MaxQueueIndex), Is.EqualTo((0L, 3L)));
            Assert.That(body.QueueData.Select(e => e.PhysicOffset), Is.EqualTo(sentOffsets.Skip(1)), "entries from index 1 on");
            Assert.That(body.QueueData.Select(e => e.TagsCode), Is.EqualTo(new long[] { Mq.Common.JavaHash.TagsCode("TagB"), Mq.Common.JavaHash.TagsCode("TagC") }));
            Assert.That(body.QueueData.All(e => e.PhysicSize > 0 && !e.Eval && e.ExtendDataJson is null), Is.True);
            Assert.That(body.SubscriptionData?.SubString, Is.EqualTo("TagA || TagB"));
            Assert.That(none.QueueData, Is.Empty);
            Assert.That(none.FilterData, Is.EqualTo("NOBODY@CqTopic is not online!"));
            Assert.That(offline.Remark, Is.EqualTo("Index 9 of 0@CqTopic is not exist!"));
            Assert.That((missing.Code, missing.Remark), Is.EqualTo((ResponseCode.SystemError, "3@CqTopic is not exist!")));
        });
    }

    [Test]
    public async Task Clone_group_offset_copies_one_topic_or_every_topic_the_source_committed_on()
    {
        await SendAsync("CloneA", 1);
        await SendAsync("CloneB", 1);
        _broker.Offsets.Commit("SRC", "CloneA", 0, 7);
        _broker.Offsets.Commit("SRC", "CloneB", 1, 9);
        _broker.Offsets.Commit("SRC", "GoneTopic", 0, 3);

        using (RemotingCommand all = await _client.InvokeAsync(RequestCode.CloneGroupOffset, BrokerTestClient.Fields(("srcGroup", "SRC"), ("destGroup", "ALL"), ("offline", false))))
        {
            Assert.That(all.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand one = await _client.InvokeAsync(RequestCode.CloneGroupOffset,
            BrokerTestClient.Fields(("srcGroup", "SRC"), ("destGroup", "ONE"), ("topic", "CloneB"), ("offline", false))))
        {
            Assert.That(one.Code, Is.EqualTo(ResponseCode.Success));
        }
        Assert.Multiple(() =>
        {
            Assert.That(_broker.Offsets.Query("ALL", "CloneA", 0), Is.EqualTo(7));
            Assert.That(_broker.Offsets.Query("ALL", "CloneB", 1), Is.EqualTo(9));
            Assert.That(_broker.Offsets.Query("ALL", "GoneTopic", 0), Is.EqualTo(-1), "a topic without a config is skipped");
            Assert.That(_broker.Offsets.Query("ONE", "CloneB", 1), Is.EqualTo(9));
            Assert.That(_broker.Offsets.Query("ONE", "CloneA", 0), Is.EqualTo(-1), "only the named topic");
            Assert.That(_broker.Offsets.Query("SRC", "CloneA", 0), Is.EqualTo(7), "the source keeps its offsets");
        });
    }

    [Test]
    public async Task Correction_offsets_are_the_smallest_offset_of_the_unfiltered_groups_and_max_where_the_compared_group_is_behind()
    {
        _broker.Offsets.Commit("A", "Corr", 0, 5);
        _broker.Offsets.Commit("A", "Corr", 1, 2);
        _broker.Offsets.Commit("B", "Corr", 0, 3);
        _broker.Offsets.Commit("B", "Corr", 1, 7);
        _broker.Offsets.Commit("FILTERED", "Corr", 0, 1);
        _broker.Offsets.Commit("D", "Corr", 0, 4);
        _broker.Offsets.Commit("D", "Corr", 1, 1);

        using RemotingCommand response = await _client.InvokeAsync(RequestCode.QueryCorrectionOffset,
            BrokerTestClient.Fields(("topic", "Corr"), ("compareGroup", "D"), ("filterGroups", "FILTERED,D")));
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        Dictionary<int, long> correction = QueryCorrectionOffsetBody.Decode(response.Body.Span).CorrectionOffsets;
        Assert.Multiple(() =>
        {
            Assert.That(correction[0], Is.EqualTo(3), "min of A and B; FILTERED and D left out");
            Assert.That(correction[1], Is.EqualTo(long.MaxValue), "D (1) is behind the minimum (2)");
            Assert.That(_broker.Offsets.Query("FILTERED", "Corr", 0), Is.EqualTo(1), "filtering a group does not remove its offsets (4.9 did)");
        });
    }
}
