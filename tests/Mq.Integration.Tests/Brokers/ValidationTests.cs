using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

/// <summary>Bad input gets the right code and loses nothing already stored; restarts keep everything.</summary>
[Category("Integration")]
public sealed class ValidationTests
{
    [Test]
    public async Task Bad_sends_get_the_right_codes_and_lose_nothing()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.AutoCreateTopicEnable = false);
        await using var client = new BrokerTestClient(broker.Address);
        var create = new CreateTopicRequestHeader { Topic = "Known", DefaultTopic = "TBW102", ReadQueueNums = 2, WriteQueueNums = 2, Perm = 6, TopicFilterType = "SINGLE_TAG" };
        using (RemotingCommand created = await client.InvokeAsync(RequestCode.UpdateAndCreateTopic, create))
        {
            Assert.That(created.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand ok = await client.SendAsync("Known", [42]))
        {
            Assert.That(ok.Code, Is.EqualTo(ResponseCode.Success));
        }

        await Expect(client.SendAsync("Unknown", [1]), ResponseCode.TopicNotExist);
        await Expect(client.SendAsync("Known", new byte[1024 * 1024 + 1]), ResponseCode.MessageIllegal);
        await Expect(client.SendAsync("Known", [1], "K\u0001" + new string('v', 40_000)), ResponseCode.MessageIllegal);
        await Expect(client.SendAsync("bad topic!", [1]), ResponseCode.SystemError);
        await Expect(client.SendAsync(new string('t', 128), [1]), ResponseCode.MessageIllegal);
        await Expect(client.SendAsync("SCHEDULE_TOPIC_XXXX", [1]), ResponseCode.NoPermission);
        await Expect(client.SendAsync("Known", [1], queueId: 2), ResponseCode.SystemError);
        // Missing required header fields and garbage values.
        await Expect(client.InvokeAsync(RequestCode.SendMessageV2, new Dictionary<string, string?> { ["b"] = "Known" }, [1]), ResponseCode.SystemError);
        await Expect(client.InvokeAsync(RequestCode.SendMessageV2, new Dictionary<string, string?>
        {
            ["a"] = "PG", ["b"] = "Known", ["c"] = "TBW102", ["d"] = "x", ["e"] = "0", ["f"] = "0", ["g"] = "0", ["h"] = "0",
        }, [1]), ResponseCode.SystemError);
        await Expect(client.InvokeAsync(RequestCode.PullMessage, new Dictionary<string, string?> { ["topic"] = "Known" }), ResponseCode.SystemError);
        await Expect(client.InvokeAsync(RequestCode.HeartBeat, body: "{not json"u8.ToArray()), ResponseCode.SystemError);
        await Expect(client.InvokeAsync(9999), ResponseCode.RequestCodeNotSupported);
        var system = new CreateTopicRequestHeader { Topic = "TBW102", DefaultTopic = "TBW102", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 6, TopicFilterType = "SINGLE_TAG" };
        await Expect(client.InvokeAsync(RequestCode.UpdateAndCreateTopic, system), ResponseCode.SystemError);
        system.Topic = "RMQ_SYS_TRACE_TOPIC";
        await Expect(client.InvokeAsync(RequestCode.UpdateAndCreateTopic, system), ResponseCode.SystemError);
        await Expect(client.InvokeAsync(RequestCode.DeleteTopicInBroker, new Dictionary<string, string?> { ["topic"] = "RMQ_SYS_TRACE_TOPIC" }), ResponseCode.SystemError);
        var readOnly = new CreateTopicRequestHeader { Topic = "ReadOnly", DefaultTopic = "TBW102", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 4, TopicFilterType = "SINGLE_TAG" };
        await Expect(client.InvokeAsync(RequestCode.UpdateAndCreateTopic, readOnly), ResponseCode.Success);
        await Expect(client.SendAsync("ReadOnly", [1]), ResponseCode.NoPermission);

        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        using RemotingCommand pull = await client.PullAsync("G", "Known", 0, 0);
        Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span).Select(m => m.Body[0]), Is.EqualTo(new byte[] { 42 }), "nothing lost, nothing extra stored");
        Assert.That(broker.Topics.Find("Unknown"), Is.Null);
    }

    [Test]
    public async Task Retry_topic_past_max_reconsume_goes_to_dead_letter_topic()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        using (RemotingCommand retry = await client.SendAsync("%RETRY%CG", [1], reconsumeTimes: 2, maxReconsumeTimes: 16))
        {
            Assert.That(retry.Code, Is.EqualTo(ResponseCode.Success), retry.Remark);
        }
        using (RemotingCommand dead = await client.SendAsync("%RETRY%CG", [2], reconsumeTimes: 3, maxReconsumeTimes: 3))
        {
            Assert.That(dead.Code, Is.EqualTo(ResponseCode.Success), dead.Remark);
            Assert.That(dead.ExtFields["queueId"], Is.EqualTo("0"));
        }
        Assert.That(broker.Topics.Find("%RETRY%CG")!.WriteQueueNums, Is.EqualTo(1));
        Assert.That(broker.Topics.Find("%DLQ%CG")!.WriteQueueNums, Is.EqualTo(1));
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        using RemotingCommand pull = await client.PullAsync("G", "%DLQ%CG", 0, 0);
        var messages = BrokerTestClient.DecodeAll(pull.Body.Span);
        Assert.That(messages.Select(m => (m.Body[0], m.ReconsumeTimes)), Is.EqualTo(new[] { ((byte)2, 3) }));
    }

    [Test]
    public async Task Slave_refuses_sends_with_service_not_available()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o =>
        {
            o.BrokerRole = BrokerRole.Slave;
            o.BrokerId = 1;
        });
        await using var client = new BrokerTestClient(broker.Address);
        await Expect(client.SendAsync("TBW102x", [1]), ResponseCode.ServiceNotAvailable);
    }

    [Test]
    public async Task Sync_flush_answers_only_after_durability()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.FlushDiskType = FlushDiskType.SyncFlush);
        await using var client = new BrokerTestClient(broker.Address);
        for (int i = 0; i < 5; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Durable", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(broker.Store.CommitLogFlushedOffset, Is.EqualTo(broker.Store.CommitLogMaxOffset), "flushed before the answer");
        }
    }

    [Test]
    public async Task Flow_control_answers_system_busy_beyond_the_in_flight_bound()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MaxInFlightSends = 1);
        await using var client = new BrokerTestClient(broker.Address);
        Assert.That(broker.TryEnterSend(), Is.True, "occupy the only slot");
        try
        {
            using RemotingCommand busy = await client.SendAsync("Busy", [1]);
            Assert.That(busy.Code, Is.EqualTo(ResponseCode.SystemBusy));
            Assert.That(busy.Remark, Does.StartWith("[TIMEOUT_CLEAN_QUEUE]"));
        }
        finally
        {
            broker.ExitSend();
        }
        await Expect(client.SendAsync("Busy", [1]), ResponseCode.Success);
    }

    [Test]
    public async Task Restart_keeps_messages_topics_groups_and_offsets()
    {
        using var directory = new TempDirectory();
        string msgId;
        await using (Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            var create = new CreateTopicRequestHeader { Topic = "Kept", DefaultTopic = "TBW102", ReadQueueNums = 5, WriteQueueNums = 5, Perm = 6, TopicFilterType = "SINGLE_TAG" };
            await Expect(client.InvokeAsync(RequestCode.UpdateAndCreateTopic, create), ResponseCode.Success);
            using RemotingCommand sent = await client.SendAsync("Kept", "persisted"u8.ToArray(), queueId: 4);
            msgId = sent.ExtFields["msgId"]!;
            using (RemotingCommand hb = await client.HeartbeatAsync("KG", [("Kept", "*")]))
            {
                Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
            }
            await client.InvokeOnewayAsync(RequestCode.UpdateConsumerOffset, new UpdateConsumerOffsetRequestHeader { ConsumerGroup = "KG", Topic = "Kept", QueueId = 4, CommitOffset = 1 });
            await SendPullTests.WaitUntil(() => broker.Offsets.Query("KG", "Kept", 4) == 1);
        }
        Assert.That(File.Exists(Path.Combine(directory.Path, "config", "topics.json")), Is.True);
        Assert.That(File.Exists(Path.Combine(directory.Path, "config", "consumerOffset.json")), Is.True);
        await using (Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            Assert.That(broker.Topics.Find("Kept")!.WriteQueueNums, Is.EqualTo(5));
            Assert.That(broker.Groups.Find("KG"), Is.Not.Null);
            using (RemotingCommand q = await client.InvokeAsync(RequestCode.QueryConsumerOffset, new QueryConsumerOffsetRequestHeader { ConsumerGroup = "KG", Topic = "Kept", QueueId = 4 }))
            {
                Assert.That(q.ExtFields["offset"], Is.EqualTo("1"));
            }
            using RemotingCommand pull = await client.PullAsync("KG", "Kept", 4, 0);
            Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success));
            var message = BrokerTestClient.DecodeAll(pull.Body.Span).Single();
            // The new broker listens on another port: compare the commit-log offset part of the id.
            Assert.That(message.OffsetMessageId[16..], Is.EqualTo(msgId[16..]));
            Assert.That(System.Text.Encoding.UTF8.GetString(message.Body), Is.EqualTo("persisted"));
        }
    }

    [Test]
    public async Task Put_hooks_can_redirect_or_refuse_and_stop_actions_run()
    {
        using var directory = new TempDirectory();
        bool stopped = false;
        await using (Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            broker.AddPutHook(new RedirectHook());
            broker.OnStopping(() =>
            {
                stopped = true;
                return ValueTask.CompletedTask;
            });
            await using var client = new BrokerTestClient(broker.Address);
            using (RemotingCommand redirected = await client.SendAsync("HookTopic", [1], BrokerTestClient.Properties(("DELAY", "3"))))
            {
                Assert.That(redirected.Code, Is.EqualTo(ResponseCode.Success));
            }
            await Expect(client.SendAsync("HookTopic", [2], BrokerTestClient.Properties(("TRAN_MSG", "true"))), ResponseCode.NoPermission);
            await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
            Assert.That(broker.Store.GetMaxOffsetInQueue("SCHEDULE_TOPIC_XXXX", 2), Is.EqualTo(1));
            Assert.That(broker.Store.GetMaxOffsetInQueue("HookTopic", 0), Is.EqualTo(0));
        }
        Assert.That(stopped, Is.True);
    }

    /// <summary>What the schedule and transaction services plug in: DELAY parks the message, TRAN_MSG is refused.</summary>
    private sealed class RedirectHook : IPutMessageHook
    {
        public int BeforePut(Mq.Messages.MessageToStore message, out string? remark)
        {
            remark = null;
            if (Mq.Messages.MessageProperties.TryGetValue(message.Properties.Span, "TRAN_MSG"u8, out _))
            {
                remark = "transactions are disabled";
                return ResponseCode.NoPermission;
            }
            if (Mq.Messages.MessageProperties.TryGetValue(message.Properties.Span, "DELAY"u8, out ReadOnlySpan<byte> level))
            {
                message.Topic = "SCHEDULE_TOPIC_XXXX";
                message.QueueId = level[0] - (byte)'1';
            }
            return 0;
        }
    }

    private static async Task Expect(Task<RemotingCommand> call, int code)
    {
        using RemotingCommand response = await call;
        Assert.That(response.Code, Is.EqualTo(code), response.Remark);
    }
}
