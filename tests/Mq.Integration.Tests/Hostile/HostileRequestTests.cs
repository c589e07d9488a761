using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Tests.Fuzz;
using Mq.Tests.Load;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Hostile;

/// <summary>
/// Issue 9, bad input: requests that are valid on the wire but hostile in size or value get RocketMQ 4.9's
/// answers, cost bounded memory and leave the broker serving.
/// </summary>
[TestFixture]
[Category("Hostile")]
public sealed class HostileRequestTests
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

    [Test]
    [CancelAfter(300_000)]
    public async Task Thousands_of_topics_are_created_and_listed(CancellationToken cancellationToken)
    {
        const int topics = 2000;
        for (int start = 0; start < topics; start += 50)
        {
            var batch = new List<Task<RemotingCommand>>();
            for (int i = start; i < start + 50; i++)
            {
                batch.Add(_client.InvokeAsync(RequestCode.UpdateAndCreateTopic,
                [
                    new("topic", "Many" + i.ToString(CultureInfo.InvariantCulture)), new("defaultTopic", "TBW102"), new("readQueueNums", "8"),
                    new("writeQueueNums", "8"), new("perm", "6"), new("topicFilterType", "SINGLE_TAG"), new("topicSysFlag", "0"), new("order", "false"),
                ]));
            }
            foreach (RemotingCommand response in await Task.WhenAll(batch))
            {
                using (response)
                {
                    Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
                }
            }
        }
        using RemotingCommand all = await _client.InvokeAsync(RequestCode.GetAllTopicConfig);
        Assert.That(all.Code, Is.EqualTo(ResponseCode.Success), all.Remark);
        Dictionary<string, TopicConfig> table = TopicConfigSerializeWrapper.Decode(all.Body.Span).TopicConfigTable;
        Assert.That(Enumerable.Range(0, topics).All(i => table.ContainsKey("Many" + i.ToString(CultureInfo.InvariantCulture))), Is.True);
        Assert.That(table["Many1999"].WriteQueueNums, Is.EqualTo(8));
        TestContext.Out.WriteLine($"GET_ALL_TOPIC_CONFIG: {table.Count} topics, {all.BodyLength / 1024} KiB");
    }

    [Test]
    public async Task Oversized_properties_and_bodies_are_refused_with_message_illegal_and_lose_nothing()
    {
        using (RemotingCommand ok = await _client.SendAsync("Big", "before"u8.ToArray()))
        {
            Assert.That(ok.Code, Is.EqualTo(ResponseCode.Success), ok.Remark);
        }
        // 4.9: properties longer than Short.MAX_VALUE (32767) and bodies above maxMessageSize are MESSAGE_ILLEGAL (13).
        string huge = BrokerTestClient.Properties(("KEYS", new string('k', short.MaxValue)));
        using (RemotingCommand refused = await _client.SendAsync("Big", "x"u8.ToArray(), huge))
        {
            Assert.That(refused.Code, Is.EqualTo(ResponseCode.MessageIllegal), refused.Remark);
            Assert.That(refused.Remark, Does.Contain("properties"));
        }
        string enormous = BrokerTestClient.Properties(("KEYS", new string('k', 4 * 1024 * 1024)));
        using (RemotingCommand refused = await _client.SendAsync("Big", "x"u8.ToArray(), enormous))
        {
            Assert.That(refused.Code, Is.EqualTo(ResponseCode.MessageIllegal), refused.Remark);
        }
        using (RemotingCommand refused = await _client.SendAsync("Big", new byte[_broker.Options.MaxMessageSize + 1]))
        {
            Assert.That(refused.Code, Is.EqualTo(ResponseCode.MessageIllegal), refused.Remark);
            Assert.That(refused.Remark, Does.Contain("body"));
        }
        // The limit applies to the stored properties string, which includes what the broker adds (CLUSTER...), as in 4.9.
        string atLimit = BrokerTestClient.Properties(("KEYS", new string('k', short.MaxValue - 64)));
        using (RemotingCommand accepted = await _client.SendAsync("Big", "limit"u8.ToArray(), atLimit))
        {
            Assert.That(accepted.Code, Is.EqualTo(ResponseCode.Success), accepted.Remark);
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        using RemotingCommand pull = await _client.PullAsync("G", "Big", 0, 0);
        Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success), pull.Remark);
        Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span).Select(m => Encoding.UTF8.GetString(m.Body)), Is.EqualTo(new[] { "before", "limit" }));
    }

    [Test]
    public async Task Pulls_with_absurd_offsets_and_counts_get_the_4_9_answers()
    {
        for (int i = 0; i < 100; i++)
        {
            using RemotingCommand sent = await _client.SendAsync("Absurd", Encoding.UTF8.GetBytes("m" + i.ToString(CultureInfo.InvariantCulture)), queueId: 0, defaultTopicQueueNums: 1);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);

        // maxMsgNums huge: capped by maxTransferCountOnMessageInMemory (32), as 4.9's store does.
        using (RemotingCommand pull = await _client.PullAsync("G", "Absurd", 0, 0, maxMsgNums: int.MaxValue))
        {
            Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success), pull.Remark);
            Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span), Has.Count.EqualTo(32));
            Assert.That(pull.ExtFields["nextBeginOffset"], Is.EqualTo("32"));
        }
        // Zero or negative counts: 4.9's isTheBatchFull always takes the first message, then stops.
        using (RemotingCommand pull = await _client.PullAsync("G", "Absurd", 0, 0, maxMsgNums: -5))
        {
            Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success), pull.Remark);
            Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span), Has.Count.EqualTo(1));
        }
        // Before the minimum: OFFSET_TOO_SMALL -> PULL_OFFSET_MOVED (21), next = min.
        using (RemotingCommand pull = await _client.PullAsync("G", "Absurd", 0, -1000))
        {
            Assert.That((pull.Code, pull.ExtFields["nextBeginOffset"]), Is.EqualTo((ResponseCode.PullOffsetMoved, "0")), pull.Remark);
        }
        // At the maximum: OFFSET_OVERFLOW_ONE -> PULL_NOT_FOUND (19), next = the same offset.
        using (RemotingCommand pull = await _client.PullAsync("G", "Absurd", 0, 100))
        {
            Assert.That((pull.Code, pull.ExtFields["nextBeginOffset"]), Is.EqualTo((ResponseCode.PullNotFound, "100")), pull.Remark);
        }
        // Past the maximum: OFFSET_OVERFLOW_BADLY -> PULL_OFFSET_MOVED (21), corrected into the queue's range
        // (RocketMQ versions differ on min or max when min is 0; either keeps the consumer in range).
        foreach (long offset in new[] { 101L, long.MaxValue })
        {
            using RemotingCommand pull = await _client.PullAsync("G", "Absurd", 0, offset);
            Assert.That(pull.Code, Is.EqualTo(ResponseCode.PullOffsetMoved), pull.Remark);
            Assert.That(long.Parse(pull.ExtFields["nextBeginOffset"]!, CultureInfo.InvariantCulture), Is.InRange(0, 100));
        }
        // A queue id beyond the topic's read queues: SYSTEM_ERROR naming the illegal queueId, as 4.9.
        using (RemotingCommand pull = await _client.PullAsync("G", "Absurd", int.MaxValue, 0))
        {
            Assert.That(pull.Code, Is.EqualTo(ResponseCode.SystemError), pull.Remark);
            Assert.That(pull.Remark, Does.Contain("queueId"));
        }
        // Absurd suspend times are held (capped at the timer's limit) and answered as soon as a message arrives.
        Task<RemotingCommand> held = _client.PullAsync("G", "Absurd", 0, 100, suspendMillis: long.MaxValue, timeout: TimeSpan.FromSeconds(60));
        await SlowConsumerTests.WaitUntilAsync(() => _broker.PullHolds.Count == 1 || held.IsCompleted, CancellationToken.None);
        using (RemotingCommand sent = await _client.SendAsync("Absurd", "wake"u8.ToArray(), queueId: 0))
        {
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        using (RemotingCommand woken = await held)
        {
            Assert.That(woken.Code, Is.EqualTo(ResponseCode.Success), woken.Remark);
        }
    }

    [Test]
    public async Task A_heartbeat_with_a_huge_subscription_set_is_registered_with_bounded_memory()
    {
        const int subscriptions = 5000;
        var body = new StringBuilder("{\"clientID\":\"127.0.0.1@huge\",\"consumerDataSet\":[{\"consumeFromWhere\":\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"HugeGroup\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[");
        for (int i = 0; i < subscriptions; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"TAG\",\"subString\":\"*\",\"subVersion\":1,\"tagsSet\":[],\"topic\":\"Sub")
                .Append(i.ToString(CultureInfo.InvariantCulture)).Append("\"}");
        }
        body.Append("],\"unitMode\":false}],\"producerDataSet\":[]}");
        byte[] heartbeat = Encoding.UTF8.GetBytes(body.ToString());
        CrashWatch.FlushFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        for (int round = 0; round < 5; round++)
        {
            using RemotingCommand response = await _client.InvokeAsync(RequestCode.HeartBeat, body: heartbeat);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
        }
        CrashWatch.FlushFinalizers();
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        using (RemotingCommand list = await _client.InvokeAsync(RequestCode.GetConsumerListByGroup, [new("consumerGroup", "HugeGroup")]))
        {
            Assert.That(list.Code, Is.EqualTo(ResponseCode.Success), list.Remark);
            Assert.That(Encoding.UTF8.GetString(list.Body.Span), Does.Contain("127.0.0.1@huge"));
        }
        TestContext.Out.WriteLine($"heartbeat of {heartbeat.Length / 1024} KiB with {subscriptions} subscriptions, 5 times: heap {heapBefore / 1024 / 1024} -> {heapAfter / 1024 / 1024} MiB");
        // One registration, replaced on every heartbeat: the table holds one set, not five.
        Assert.That(heapAfter - heapBefore, Is.LessThan(48L * 1024 * 1024));
        using RemotingCommand sent = await _client.SendAsync("StillServing", "ok"u8.ToArray());
        Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Connections_claiming_huge_frames_cost_what_they_send_not_what_they_claim(CancellationToken cancellationToken)
    {
        // Each connection announces a frame just under the 16 MiB limit and sends 64 KiB of it. Buffering the
        // claimed size up front would cost 200 x 16 MiB = 3.2 GiB; the broker must hold only what arrived.
        const int connections = 200;
        byte[] start = new byte[64 * 1024];
        BinaryPrimitives.WriteInt32BigEndian(start, 16 * 1024 * 1024 - 8);
        BinaryPrimitives.WriteInt32BigEndian(start.AsSpan(4), 100);
        CrashWatch.FlushFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sockets = new List<Socket>(connections);
        try
        {
            for (int i = 0; i < connections; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(IPEndPoint.Parse(_broker.Address), cancellationToken);
                await socket.SendAsync(start, SocketFlags.None, cancellationToken);
            }
            await SlowConsumerTests.WaitUntilAsync(() => _broker.Server.Connections.Count >= connections, cancellationToken);
            CrashWatch.FlushFinalizers();
            long heapHeld = GC.GetTotalMemory(forceFullCollection: true);
            TestContext.Out.WriteLine($"{connections} connections with 64 KiB of a 16 MiB frame each: heap {heapBefore / 1024 / 1024} -> {heapHeld / 1024 / 1024} MiB");
            Assert.That(heapHeld - heapBefore, Is.LessThan(64L * 1024 * 1024));
            using RemotingCommand sent = await _client.SendAsync("StillServing", "ok"u8.ToArray());
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
        await SlowConsumerTests.WaitUntilAsync(() => _broker.Server.Connections.Count <= 1, cancellationToken);
    }

    [Test]
    public async Task A_held_pull_is_released_when_its_connection_closes()
    {
        using (RemotingCommand sent = await _client.SendAsync("Held", "one"u8.ToArray(), queueId: 0, defaultTopicQueueNums: 1))
        {
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        var leaving = new BrokerTestClient(_broker.Address, "127.0.0.1@leaving");
        Task<RemotingCommand> held = leaving.PullAsync("G", "Held", 0, 1, suspendMillis: long.MaxValue, timeout: TimeSpan.FromSeconds(60));
        await SlowConsumerTests.WaitUntilAsync(() => _broker.PullHolds.Count == 1, CancellationToken.None);
        await leaving.DisposeAsync();
        Assert.That(async () => (await held).Dispose(), Throws.InstanceOf<Exception>(), "the held request's connection is gone");
        // Nobody can read the answer any more: the hold is dropped at once instead of at its (absurd) timeout.
        await SlowConsumerTests.WaitUntilAsync(() => _broker.PullHolds.Count == 0, CancellationToken.None, () => _broker.PullHolds.Count + " held");
    }

    [Test]
    public async Task A_send_back_for_a_group_whose_retry_topic_is_invalid_is_refused()
    {
        using (RemotingCommand sent = await _client.SendAsync("Back", "one"u8.ToArray(), queueId: 0, defaultTopicQueueNums: 1))
        {
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        // A group name with a property separator (0x01) would make a retry message whose properties cannot be
        // encoded; found by the fuzz, which saw the handler fail.
        using RemotingCommand back = await _client.InvokeAsync(RequestCode.ConsumerSendMsgBack,
            [new("offset", "0"), new("group", "G\u0001x"), new("delayLevel", "0"), new("originTopic", "Back"), new("maxReconsumeTimes", "16")]);
        Assert.That(back.Code, Is.EqualTo(ResponseCode.SystemError), back.Remark);
        Assert.That(back.Remark, Does.Contain("illegal characters"));
        using RemotingCommand ok = await _client.InvokeAsync(RequestCode.ConsumerSendMsgBack,
            [new("offset", "0"), new("group", "GoodGroup"), new("delayLevel", "0"), new("originTopic", "Back"), new("maxReconsumeTimes", "16")]);
        Assert.That(ok.Code, Is.EqualTo(ResponseCode.Success), ok.Remark);
    }
}
