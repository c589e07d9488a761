using System.Text;
using Mq.Brokers;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

[Category("Integration")]
public sealed class ClientsOffsetsTests
{
    private TempDirectory _directory = null!;
    private Broker _broker = null!;
    private BrokerTestClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _directory = new TempDirectory();
        _broker = await BrokerHarness.StartAsync(_directory.Path);
        _client = new BrokerTestClient(_broker.Address, "10.0.0.1@one");
    }

    [TearDown]
    public async Task TearDown()
    {
        await _client.DisposeAsync();
        await _broker.DisposeAsync();
        _directory.Dispose();
    }

    [Test]
    public async Task Heartbeat_registers_group_creates_retry_topic_and_notifies_members_on_change()
    {
        _client.RecordCallbacks(RequestCode.NotifyConsumerIdsChanged);
        await using var second = new BrokerTestClient(_broker.Address, "10.0.0.2@two");
        using (RemotingCommand hb = await _client.HeartbeatAsync("CG", [("T", "*")], producerGroup: "PG"))
        {
            Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand topics = await _client.InvokeAsync(RequestCode.GetAllTopicConfig))
        {
            TopicConfig retry = TopicConfigSerializeWrapper.Decode(topics.Body.Span).TopicConfigTable["%RETRY%CG"];
            Assert.That((retry.ReadQueueNums, retry.Perm), Is.EqualTo((1, 6)));
        }
        while (_client.Callbacks.TryDequeue(out _))
        {
        }
        using (RemotingCommand hb2 = await second.HeartbeatAsync("CG", [("T", "*")]))
        {
            Assert.That(hb2.Code, Is.EqualTo(ResponseCode.Success));
        }
        Assert.That(await _client.CallbackSignal.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "first member told about the second");
        Assert.That(_client.Callbacks.Last().Fields["consumerGroup"], Is.EqualTo("CG"));

        using (RemotingCommand list = await _client.InvokeAsync(RequestCode.GetConsumerListByGroup, BrokerTestClient.Fields(("consumerGroup", "CG"))))
        {
            Assert.That(GetConsumerListByGroupResponseBody.Decode(list.Body.Span).ConsumerIdList, Is.EquivalentTo(new[] { "10.0.0.1@one", "10.0.0.2@two" }));
        }
        using (RemotingCommand connections = await _client.InvokeAsync(RequestCode.GetConsumerConnectionList, BrokerTestClient.Fields(("consumerGroup", "CG"))))
        {
            Assert.That(connections.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(ConsumerConnection.Decode(connections.Body.Span).ConnectionSet, Has.Count.EqualTo(2));
        }
        Assert.That(_broker.Producers.FindChannel("PG")?.ClientId, Is.EqualTo("10.0.0.1@one"));

        using (RemotingCommand bye = await second.InvokeAsync(RequestCode.UnregisterClient, new UnregisterClientRequestHeader { ClientId = "10.0.0.2@two", ConsumerGroup = "CG" }))
        {
            Assert.That(bye.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand list = await _client.InvokeAsync(RequestCode.GetConsumerListByGroup, BrokerTestClient.Fields(("consumerGroup", "CG"))))
        {
            Assert.That(GetConsumerListByGroupResponseBody.Decode(list.Body.Span).ConsumerIdList, Is.EqualTo(new[] { "10.0.0.1@one" }));
        }
        await _client.DisposeAsync();
        await SendPullTests.WaitUntil(() => _broker.Consumers.Find("CG") is null);
        await using var third = new BrokerTestClient(_broker.Address);
        using RemotingCommand none = await third.InvokeAsync(RequestCode.GetConsumerListByGroup, BrokerTestClient.Fields(("consumerGroup", "CG")));
        Assert.That(none.Code, Is.EqualTo(ResponseCode.SystemError));
    }

    [Test]
    public async Task Pull_uses_heartbeat_subscription_and_checks_its_version()
    {
        using (RemotingCommand sent = await _client.SendAsync("HbTopic", [1], BrokerTestClient.Properties(("TAGS", "B"))))
        {
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        using (RemotingCommand hb = await _client.HeartbeatAsync("HG", [("HbTopic", "A")]))
        {
            Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand filtered = await _client.PullAsync("HG", "HbTopic", 0, 0, subscription: null))
        {
            Assert.That(filtered.Code, Is.EqualTo(ResponseCode.PullRetryImmediately), "tag B does not match the heartbeat's A");
        }
        using (RemotingCommand stale = await _client.PullAsync("HG", "HbTopic", 0, 0, subscription: null, subVersion: 99))
        {
            Assert.That(stale.Code, Is.EqualTo(ResponseCode.SubscriptionNotLatest));
        }
        using (RemotingCommand notSubscribed = await _client.PullAsync("HG", "Other", 0, 0, subscription: null))
        {
            Assert.That(notSubscribed.Code, Is.EqualTo(ResponseCode.TopicNotExist));
        }
    }

    [Test]
    public async Task Offsets_commit_query_and_queue_bounds()
    {
        for (int i = 0; i < 5; i++)
        {
            using RemotingCommand sent = await _client.SendAsync("OffTopic", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        using (RemotingCommand q = await _client.InvokeAsync(RequestCode.QueryConsumerOffset, new QueryConsumerOffsetRequestHeader { ConsumerGroup = "OG", Topic = "OffTopic", QueueId = 0 }))
        {
            Assert.That((q.Code, q.ExtFields["offset"]), Is.EqualTo((ResponseCode.Success, "0")), "never committed, queue starts at 0");
        }
        await _client.InvokeOnewayAsync(RequestCode.UpdateConsumerOffset, new UpdateConsumerOffsetRequestHeader { ConsumerGroup = "OG", Topic = "OffTopic", QueueId = 0, CommitOffset = 3 });
        using (RemotingCommand negative = await _client.InvokeAsync(RequestCode.UpdateConsumerOffset, new UpdateConsumerOffsetRequestHeader { ConsumerGroup = "OG", Topic = "OffTopic", QueueId = 0, CommitOffset = -1 }))
        {
            Assert.That(negative.Code, Is.EqualTo(ResponseCode.Success));
        }
        await SendPullTests.WaitUntil(() => _broker.Offsets.Query("OG", "OffTopic", 0) == 3);
        using (RemotingCommand pull = await _client.PullAsync("OG", "OffTopic", 0, 3, commitOffset: 4))
        {
            Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success));
        }
        Assert.That(_broker.Offsets.Query("OG", "OffTopic", 0), Is.EqualTo(4), "COMMIT_OFFSET flag stores the offset");
        using (RemotingCommand q = await _client.InvokeAsync(RequestCode.QueryConsumerOffset, new QueryConsumerOffsetRequestHeader { ConsumerGroup = "OG", Topic = "OffTopic", QueueId = 0 }))
        {
            Assert.That(q.ExtFields["offset"], Is.EqualTo("4"));
        }
        using (RemotingCommand max = await _client.InvokeAsync(RequestCode.GetMaxOffset, BrokerTestClient.Fields(("topic", "OffTopic"), ("queueId", 0))))
        {
            Assert.That(max.ExtFields["offset"], Is.EqualTo("5"));
        }
        using (RemotingCommand min = await _client.InvokeAsync(RequestCode.GetMinOffset, BrokerTestClient.Fields(("topic", "OffTopic"), ("queueId", 0))))
        {
            Assert.That(min.ExtFields["offset"], Is.EqualTo("0"));
        }
        using (RemotingCommand earliest = await _client.InvokeAsync(RequestCode.GetEarliestMsgStoretime, BrokerTestClient.Fields(("topic", "OffTopic"), ("queueId", 0))))
        {
            Assert.That(long.Parse(earliest.ExtFields["timestamp"]!), Is.GreaterThan(0));
        }
        using (RemotingCommand search = await _client.InvokeAsync(RequestCode.SearchOffsetByTimestamp, BrokerTestClient.Fields(("topic", "OffTopic"), ("queueId", 0), ("timestamp", long.MaxValue / 2))))
        {
            Assert.That(search.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(long.Parse(search.ExtFields["offset"]!), Is.InRange(4, 5));
        }
        using (RemotingCommand all = await _client.InvokeAsync(RequestCode.GetAllConsumerOffset))
        {
            Assert.That(ConsumerOffsetSerializeWrapper.Decode(all.Body.Span).OffsetTable["OffTopic@OG"][0], Is.EqualTo(4));
        }
        using (RemotingCommand stats = await _client.InvokeAsync(RequestCode.GetConsumeStats, BrokerTestClient.Fields(("consumerGroup", "OG"), ("topic", "OffTopic"))))
        {
            OffsetWrapper queue0 = ConsumeStats.Decode(stats.Body.Span).OffsetTable.Single(e => e.Key.QueueId == 0).Value;
            Assert.That((queue0.BrokerOffset, queue0.ConsumerOffset), Is.EqualTo((5L, 4L)));
        }
        using (RemotingCommand who = await _client.InvokeAsync(RequestCode.QueryTopicConsumeByWho, BrokerTestClient.Fields(("topic", "OffTopic"))))
        {
            Assert.That(GroupList.Decode(who.Body.Span).Groups, Does.Contain("OG"));
        }
        using (RemotingCommand topicStats = await _client.InvokeAsync(RequestCode.GetTopicStatsInfo, BrokerTestClient.Fields(("topic", "OffTopic"))))
        {
            Assert.That(TopicStatsTable.Decode(topicStats.Body.Span).OffsetTable.Single(e => e.Key.QueueId == 0).Value.MaxOffset, Is.EqualTo(5));
        }
        using (RemotingCommand runtime = await _client.InvokeAsync(RequestCode.GetBrokerRuntimeInfo))
        {
            Assert.That(KVTable.Decode(runtime.Body.Span).Table["msgPutTotalTodayNow"], Is.EqualTo("5"));
        }
    }

    [Test]
    public async Task Reset_offset_by_timestamp_updates_offsets_and_tells_consumers()
    {
        _client.RecordCallbacks(RequestCode.ResetConsumerClientOffset, RequestCode.NotifyConsumerIdsChanged);
        for (int i = 0; i < 3; i++)
        {
            using RemotingCommand sent = await _client.SendAsync("ResetTopic", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        using (RemotingCommand hb = await _client.HeartbeatAsync("RG", [("ResetTopic", "*")]))
        {
            Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
        }
        _broker.Offsets.Commit("RG", "ResetTopic", 0, 3);
        using RemotingCommand reset = await _client.InvokeAsync(RequestCode.InvokeBrokerToResetOffset, BrokerTestClient.Fields(("topic", "ResetTopic"), ("group", "RG"), ("timestamp", 0), ("isForce", true)));
        Assert.That(reset.Code, Is.EqualTo(ResponseCode.Success), reset.Remark);
        Assert.That(_broker.Offsets.Query("RG", "ResetTopic", 0), Is.EqualTo(0));
        Assert.That(_client.Callbacks.Any(c => c.Code == RequestCode.ResetConsumerClientOffset && c.Fields["group"] == "RG"), Is.True);
    }

    [Test]
    public async Task Query_by_key_and_unique_key_and_view_by_id()
    {
        using RemotingCommand sent = await _client.SendAsync("QTopic", "body"u8.ToArray(), BrokerTestClient.Properties(("KEYS", "order-1 order-2"), ("UNIQ_KEY", "U123")));
        Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        string msgId = sent.ExtFields["msgId"]!;
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        var query = BrokerTestClient.Fields(("topic", "QTopic"), ("key", "order-2"), ("maxNum", 10), ("beginTimestamp", 0), ("endTimestamp", long.MaxValue));
        using (RemotingCommand found = await _client.InvokeAsync(RequestCode.QueryMessage, query))
        {
            Assert.That(found.Code, Is.EqualTo(ResponseCode.Success), found.Remark);
            Assert.That(BrokerTestClient.DecodeAll(found.Body.Span).Single().OffsetMessageId, Is.EqualTo(msgId));
            Assert.That(found.ExtFields["indexLastUpdatePhyoffset"], Is.Not.Null);
        }
        query["key"] = "U123";
        query["_UNIQUE_KEY_QUERY"] = "true";
        using (RemotingCommand unique = await _client.InvokeAsync(RequestCode.QueryMessage, query))
        {
            Assert.That(unique.Code, Is.EqualTo(ResponseCode.Success));
        }
        query["key"] = "missing";
        using (RemotingCommand missing = await _client.InvokeAsync(RequestCode.QueryMessage, query))
        {
            Assert.That(missing.Code, Is.EqualTo(ResponseCode.QueryNotFound));
        }
        Assert.That(OffsetMessageId.TryParse(msgId, out _, out long offset), Is.True);
        using (RemotingCommand view = await _client.InvokeAsync(RequestCode.ViewMessageById, BrokerTestClient.Fields(("offset", offset))))
        {
            Assert.That(view.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(Encoding.UTF8.GetString(BrokerTestClient.DecodeAll(view.Body.Span).Single().Body), Is.EqualTo("body"));
        }
        using (RemotingCommand bad = await _client.InvokeAsync(RequestCode.ViewMessageById, BrokerTestClient.Fields(("offset", 1 << 30))))
        {
            Assert.That(bad.Code, Is.EqualTo(ResponseCode.SystemError));
        }
    }
}
