using System.Text;
using Mq.Brokers;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

[Category("Integration")]
public sealed class SendPullTests
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

    [TestCase(false)]
    [TestCase(true)]
    public async Task Send_auto_creates_topic_and_answers_every_header_field(bool v1)
    {
        string props = BrokerTestClient.Properties(("TAGS", "TagA"), ("KEYS", "k1 k2"), ("WAIT", "true"), ("UNIQ_KEY", "ABC"));
        using RemotingCommand response = await _client.SendAsync("AutoTopic", "hello"u8.ToArray(), props, queueId: 1, v1: v1);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
        string msgId = response.ExtFields["msgId"]!;
        Assert.That(msgId, Has.Length.EqualTo(32));
        Assert.That(response.ExtFields["queueId"], Is.EqualTo("1"));
        Assert.That(response.ExtFields["queueOffset"], Is.EqualTo("0"));
        Assert.That(response.ExtFields["MSG_REGION"], Is.EqualTo("DefaultRegion"));
        Assert.That(response.ExtFields["TRACE_ON"], Is.EqualTo("true"));

        using RemotingCommand topics = await _client.InvokeAsync(RequestCode.GetAllTopicConfig);
        TopicConfig created = TopicConfigSerializeWrapper.Decode(topics.Body.Span).TopicConfigTable["AutoTopic"];
        Assert.That((created.WriteQueueNums, created.ReadQueueNums, created.Perm), Is.EqualTo((4, 4, 6)));
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);

        using RemotingCommand pull = await _client.PullAsync("G", "AutoTopic", 1, 0);
        Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success), pull.Remark);
        List<DecodedMessage> messages = BrokerTestClient.DecodeAll(pull.Body.Span);
        Assert.That(messages, Has.Count.EqualTo(1));
        DecodedMessage message = messages[0];
        Assert.That(Encoding.UTF8.GetString(message.Body), Is.EqualTo("hello"));
        Assert.That(message.Properties["CLUSTER"], Is.EqualTo("DefaultCluster"));
        Assert.That(message.Properties.ContainsKey("WAIT"), Is.False);
        Assert.That(message.Properties["TAGS"], Is.EqualTo("TagA"));
        Assert.That(message.BornHost.ToString(), Does.StartWith("127.0.0.1:"));
        Assert.That(message.StoreHost.ToString(), Is.EqualTo(_broker.Address));
        Assert.That(message.OffsetMessageId, Is.EqualTo(msgId));
        Assert.That(pull.ExtFields["nextBeginOffset"], Is.EqualTo("1"));
        Assert.That(pull.ExtFields["minOffset"], Is.EqualTo("0"));
        Assert.That(pull.ExtFields["maxOffset"], Is.EqualTo("1"));
        Assert.That(pull.ExtFields["suggestWhichBrokerId"], Is.EqualTo("0"));
        Assert.That(pull.Remark, Is.EqualTo("FOUND"));
    }

    [Test]
    public async Task Batch_send_expands_records_and_joins_ids()
    {
        byte[] body = BatchBody(("a", BrokerTestClient.Properties(("TAGS", "T1"))), ("bb", BrokerTestClient.Properties(("TAGS", "T2"))), ("ccc", ""));
        var header = new Mq.Protocol.Headers.SendMessageRequestHeader
        {
            ProducerGroup = "PG", Topic = "BatchTopic", DefaultTopic = "TBW102", DefaultTopicQueueNums = 4, QueueId = 0,
            BornTimestamp = 1, Properties = Encoding.UTF8.GetBytes(BrokerTestClient.Properties(("WAIT", "true"))), Batch = true,
        };
        using RemotingCommand response = await _client.InvokeAsync(RequestCode.SendBatchMessage, Mq.Protocol.Headers.SendMessageRequestHeaderV2.FromV1(header), body);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
        string[] ids = response.ExtFields["msgId"]!.Split(',');
        Assert.That(ids, Has.Length.EqualTo(3));
        Assert.That(response.ExtFields["queueOffset"], Is.EqualTo("0"));
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);

        using RemotingCommand pull = await _client.PullAsync("G", "BatchTopic", 0, 0);
        List<DecodedMessage> messages = BrokerTestClient.DecodeAll(pull.Body.Span);
        Assert.That(messages.Select(m => Encoding.UTF8.GetString(m.Body)), Is.EqualTo(new[] { "a", "bb", "ccc" }));
        Assert.That(messages.Select(m => m.QueueOffset), Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(messages.Select(m => m.OffsetMessageId), Is.EqualTo(ids));
        Assert.That(messages.All(m => m.Properties["WAIT"] == "true" && m.Properties["CLUSTER"] == "DefaultCluster"), Is.True);
        Assert.That(messages[1].Properties["TAGS"], Is.EqualTo("T2"));
    }

    [Test]
    public async Task Batch_with_a_delay_level_is_refused_and_stores_nothing()
    {
        byte[] body = BatchBody(("a", ""), ("b", ""));
        var header = new Mq.Protocol.Headers.SendMessageRequestHeader
        {
            ProducerGroup = "PG", Topic = "DelayedBatch", DefaultTopic = "TBW102", DefaultTopicQueueNums = 4, QueueId = 0,
            BornTimestamp = 1, Properties = Encoding.UTF8.GetBytes(BrokerTestClient.Properties(("DELAY", "3"))), Batch = true,
        };
        long before = _broker.Store.CommitLogMaxOffset;

        using RemotingCommand response = await _client.InvokeAsync(RequestCode.SendBatchMessage, Mq.Protocol.Headers.SendMessageRequestHeaderV2.FromV1(header), body);

        Assert.That(response.Code, Is.EqualTo(ResponseCode.MessageIllegal));
        Assert.That(response.Remark, Does.Contain("delay"));
        Assert.That(_broker.Store.CommitLogMaxOffset, Is.EqualTo(before));
    }

    [Test]
    public async Task Pull_filters_by_tag_expression_and_counts_scanned_entries()
    {
        for (int i = 0; i < 6; i++)
        {
            string tag = (i % 3) switch { 0 => "A", 1 => "B", _ => "C" };
            using RemotingCommand sent = await _client.SendAsync("Tags", [(byte)i], BrokerTestClient.Properties(("TAGS", tag)));
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        using RemotingCommand pull = await _client.PullAsync("G", "Tags", 0, 0, subscription: "A || C");
        List<DecodedMessage> messages = BrokerTestClient.DecodeAll(pull.Body.Span);
        Assert.That(messages.Select(m => m.Tags), Is.EqualTo(new[] { "A", "C", "A", "C" }));
        Assert.That(pull.ExtFields["nextBeginOffset"], Is.EqualTo("6"));

        using RemotingCommand none = await _client.PullAsync("G", "Tags", 0, 0, subscription: "Z");
        Assert.That(none.Code, Is.EqualTo(ResponseCode.PullRetryImmediately));
        Assert.That(none.ExtFields["nextBeginOffset"], Is.EqualTo("6"));
    }

    [Test]
    public async Task Pull_status_table()
    {
        using (RemotingCommand create = await _client.SendAsync("Status", [1], queueId: 0))
        {
            Assert.That(create.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        await AssertPull(0, 5, ResponseCode.PullOffsetMoved, 1);   // overflow badly
        await AssertPull(0, 1, ResponseCode.PullNotFound, 1);      // caught up
        await AssertPull(1, 0, ResponseCode.PullNotFound, 0);      // empty queue, offset 0
        await AssertPull(1, 3, ResponseCode.PullOffsetMoved, 0);   // empty queue, offset > 0
        using RemotingCommand unknown = await _client.PullAsync("G", "NoSuchTopic", 0, 0);
        Assert.That(unknown.Code, Is.EqualTo(ResponseCode.TopicNotExist));
        using RemotingCommand badQueue = await _client.PullAsync("G", "Status", 99, 0);
        Assert.That(badQueue.Code, Is.EqualTo(ResponseCode.SystemError));
        using RemotingCommand noHeartbeat = await _client.PullAsync("G", "Status", 0, 0, subscription: null);
        Assert.That(noHeartbeat.Code, Is.EqualTo(ResponseCode.SubscriptionNotExist));

        async Task AssertPull(int queueId, long offset, int code, long next)
        {
            using RemotingCommand pull = await _client.PullAsync("G", "Status", queueId, offset);
            Assert.That(pull.Code, Is.EqualTo(code), $"queue {queueId} offset {offset}: {pull.Remark}");
            Assert.That(pull.ExtFields["nextBeginOffset"], Is.EqualTo(next.ToString()));
            Assert.That(pull.ExtFields["minOffset"], Is.Not.Null);
            Assert.That(pull.ExtFields["maxOffset"], Is.Not.Null);
            Assert.That(pull.ExtFields["suggestWhichBrokerId"], Is.EqualTo("0"));
        }
    }

    [Test]
    public async Task Long_poll_wakes_on_matching_arrival_and_answers_not_found_at_timeout()
    {
        using (RemotingCommand create = await _client.SendAsync("Poll", [1], BrokerTestClient.Properties(("TAGS", "X"))))
        {
            Assert.That(create.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        // Held for up to 60 s: only a matching arrival can answer it within the test's timeout.
        Task<RemotingCommand> held = _client.PullAsync("G", "Poll", 0, 1, subscription: "Y", suspendMillis: 60_000, timeout: TimeSpan.FromSeconds(90));
        await WaitUntil(() => _broker.PullHolds.Count == 1);
        Assert.That(held.IsCompleted, Is.False);
        using (RemotingCommand other = await _client.SendAsync("Poll", [2], BrokerTestClient.Properties(("TAGS", "X"))))
        {
            Assert.That(other.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand match = await _client.SendAsync("Poll", [3], BrokerTestClient.Properties(("TAGS", "Y"))))
        {
            Assert.That(match.Code, Is.EqualTo(ResponseCode.Success));
        }
        using RemotingCommand woken = await held.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(woken.Code, Is.EqualTo(ResponseCode.Success), woken.Remark);
        Assert.That(BrokerTestClient.DecodeAll(woken.Body.Span).Select(m => m.Body[0]), Is.EqualTo(new byte[] { 3 }));

        using RemotingCommand timedOut = await _client.PullAsync("G", "Poll", 0, 3, suspendMillis: 200);
        Assert.That(timedOut.Code, Is.EqualTo(ResponseCode.PullNotFound));
        Assert.That(timedOut.ExtFields["nextBeginOffset"], Is.EqualTo("3"));
        Assert.That(_broker.PullHolds.Count, Is.EqualTo(0));
    }

    [Test]
    public async Task Held_pull_is_answered_at_stop()
    {
        using (RemotingCommand create = await _client.SendAsync("Stop", [1]))
        {
            Assert.That(create.Code, Is.EqualTo(ResponseCode.Success));
        }
        await _broker.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset);
        Task<RemotingCommand> held = _client.PullAsync("G", "Stop", 0, 1, suspendMillis: 60_000, timeout: TimeSpan.FromSeconds(90));
        await WaitUntil(() => _broker.PullHolds.Count == 1);
        await _broker.DisposeAsync();
        using RemotingCommand answer = await held.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(answer.Code, Is.EqualTo(ResponseCode.PullNotFound));
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    internal static byte[] BatchBody(params (string Body, string Properties)[] messages)
    {
        var stream = new MemoryStream();
        Span<byte> prefix = stackalloc byte[20];
        Span<byte> len = stackalloc byte[2];
        foreach ((string body, string properties) in messages)
        {
            byte[] b = Encoding.UTF8.GetBytes(body);
            byte[] p = Encoding.UTF8.GetBytes(properties);
            int total = 4 + 4 + 4 + 4 + 4 + b.Length + 2 + p.Length;
            prefix.Clear();
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix, total);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(prefix[16..], b.Length);
            stream.Write(prefix);
            stream.Write(b);
            System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(len, (short)p.Length);
            stream.Write(len);
            stream.Write(p);
        }
        return stream.ToArray();
    }
}
