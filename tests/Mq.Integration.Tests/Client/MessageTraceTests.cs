using System.Collections.Concurrent;
using System.Text;
using Mq.Client;
using Mq.Client.Tracing;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Client;

/// <summary>Message trace (ClientOptions.EnableMessageTrace) end to end: what the RocketMQ Dashboard would read back.</summary>
[Category("Integration")]
public sealed class MessageTraceTests
{
    private const string TraceTopic = "RMQ_SYS_TRACE_TOPIC";

    [Test]
    public async Task Traced_sends_and_handler_calls_reach_the_trace_topic_where_a_query_by_message_id_finds_them()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(dir.Path, o =>
        {
            o.NamesrvAddr = [ns.Address];
            o.TraceTopicEnable = true;
        });
        Assert.That(broker.Topics.Find(TraceTopic)?.WriteQueueNums, Is.EqualTo(1), "traceTopicEnable creates the trace topic with one queue at start");

        var producer = new Producer(new ProducerOptions { NameServerAddresses = [ns.Address], ProducerGroup = "PG_TRACED", EnableMessageTrace = true });
        await producer.StartAsync();
        SendResult ok = await producer.SendAsync(new Message("Traced", "TagA", "order-1", "ok"u8.ToArray()));
        SendResult boom = await producer.SendAsync(new Message("Traced", "boom"u8.ToArray()));

        var handled = new ConcurrentQueue<string>();
        int boomDeliveries = 0;
        var consumer = new PushConsumer(new ConsumerOptions
        {
            NameServerAddresses = [ns.Address],
            ConsumerGroup = "CG_TRACED",
            Subscriptions = { ["Traced"] = "*" },
            ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
            RebalanceInterval = TimeSpan.FromSeconds(1),
            EnableMessageTrace = true,
        }, (m, context, _) =>
        {
            string body = Encoding.UTF8.GetString(m.Body.Span);
            if (body == "boom" && Interlocked.Increment(ref boomDeliveries) == 1)
            {
                context.DelayLevelWhenNextConsume = 1;
                throw new InvalidOperationException("first delivery fails");
            }
            handled.Enqueue(body);
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(handled.Contains("ok") && handled.Contains("boom")));
        // Stopping flushes what the dispatchers still queue.
        await consumer.DisposeAsync();
        await producer.DisposeAsync();

        await using var probe = new BrokerTestClient(broker.Address);
        List<TraceContext> records = [];
        await WaitUntilAsync(async () =>
        {
            records = await ReadTraceTopicAsync(probe);
            return records.Count(r => r.Type == TraceType.SubAfter) >= 3 && records.Count(r => r.Type == TraceType.Pub) >= 2;
        });

        TraceContext okPub = records.Single(r => r.Type == TraceType.Pub && r.Beans[0].MessageId == ok.MessageId);
        TraceContext boomPub = records.Single(r => r.Type == TraceType.Pub && r.Beans[0].MessageId == boom.MessageId);
        TraceContext[] boomBefore = [.. records.Where(r => r.Type == TraceType.SubBefore && r.Beans[0].MessageId == boom.MessageId).OrderBy(r => r.Beans[0].RetryTimes)];
        TraceContext[] boomAfter = [.. records.Where(r => r.Type == TraceType.SubAfter && r.Beans[0].MessageId == boom.MessageId)];
        Assert.Multiple(() =>
        {
            Assert.That(okPub.GroupName, Is.EqualTo("PG_TRACED"));
            Assert.That(okPub.RegionId, Is.EqualTo("DefaultRegion"));
            Assert.That(okPub.IsSuccess, Is.True);
            Assert.That(okPub.Beans[0].Topic, Is.EqualTo("Traced"));
            Assert.That(okPub.Beans[0].Tags, Is.EqualTo("TagA"));
            Assert.That(okPub.Beans[0].Keys, Is.EqualTo("order-1"));
            Assert.That(okPub.Beans[0].OffsetMessageId, Is.EqualTo(ok.OffsetMessageId));
            Assert.That(okPub.Beans[0].StoreHost, Is.EqualTo(broker.Address));
            Assert.That(okPub.Beans[0].BodyLength, Is.EqualTo(2));
            Assert.That(okPub.Beans[0].MessageType, Is.EqualTo(TraceMessageType.Normal));
            Assert.That(boomPub.Beans[0].Tags, Is.EqualTo("null"), "no tags: written as Java writes a null string");

            Assert.That(boomBefore.Select(r => r.Beans[0].RetryTimes), Is.EqualTo(new[] { 0, 1 }), "one SubBefore per delivery, the redelivery counted");
            Assert.That(boomBefore.All(r => r.GroupName == "CG_TRACED"), Is.True);
            Assert.That(boomAfter, Has.Length.EqualTo(2));
            TraceContext threw = boomAfter.Single(r => r.RequestId == boomBefore[0].RequestId);
            TraceContext succeeded = boomAfter.Single(r => r.RequestId == boomBefore[1].RequestId);
            Assert.That((threw.IsSuccess, threw.ContextCode), Is.EqualTo((false, 2)), "the handler threw: EXCEPTION");
            Assert.That((succeeded.IsSuccess, succeeded.ContextCode), Is.EqualTo((true, 0)));
            Assert.That(records.Any(r => r.Type == TraceType.SubAfter && r.Beans[0].MessageId == ok.MessageId && r.IsSuccess), Is.True);
        });

        // The Dashboard's trace view: QUERY_MESSAGE on the trace topic with the message id as key.
        using RemotingCommand found = await probe.InvokeAsync(RequestCode.QueryMessage, new Dictionary<string, string?>
        {
            ["topic"] = TraceTopic, ["key"] = ok.MessageId, ["maxNum"] = "32", ["beginTimestamp"] = "0", ["endTimestamp"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.That(found.Code, Is.EqualTo(ResponseCode.Success), found.Remark);
        List<TraceContext> byId = [.. BrokerTestClient.DecodeAll(found.Body.Span).SelectMany(m => TraceDataEncoder.Decode(Encoding.UTF8.GetString(m.Body)))];
        Assert.That(byId.Any(r => r.Type == TraceType.Pub && r.Beans[0].MessageId == ok.MessageId), Is.True);
    }

    [Test]
    public async Task A_traced_transaction_records_its_half_message_and_how_it_ended()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(dir.Path, o => o.NamesrvAddr = [ns.Address]);
        var producer = new Producer(new ProducerOptions { NameServerAddresses = [ns.Address], ProducerGroup = "PG_TX_TRACED", EnableMessageTrace = true });
        await producer.StartAsync();
        TransactionSendResult sent = await producer.SendInTransactionAsync(new Message("TracedTx", null, "tx-key", "half"u8.ToArray()),
            (_, _) => ValueTask.FromResult(TransactionState.Rollback));
        await producer.DisposeAsync();

        await using var probe = new BrokerTestClient(broker.Address);
        List<TraceContext> records = [];
        await WaitUntilAsync(async () =>
        {
            records = await ReadTraceTopicAsync(probe);
            return records.Any(r => r.Type == TraceType.EndTransaction);
        });
        TraceContext pub = records.Single(r => r.Type == TraceType.Pub);
        TraceContext end = records.Single(r => r.Type == TraceType.EndTransaction);
        Assert.Multiple(() =>
        {
            Assert.That(pub.Beans[0].MessageType, Is.EqualTo(TraceMessageType.TransactionHalf));
            Assert.That(end.Beans[0].MessageId, Is.EqualTo(sent.SendResult.MessageId));
            Assert.That(end.Beans[0].TransactionState, Is.EqualTo("ROLLBACK_MESSAGE"));
            Assert.That(end.Beans[0].FromTransactionCheck, Is.False);
            Assert.That(end.Beans[0].Keys, Is.EqualTo("tx-key"));
            Assert.That(end.GroupName, Is.EqualTo("PG_TX_TRACED"));
        });
    }

    [Test]
    public async Task A_traced_pull_consumer_records_each_poll_as_handed_over_and_consumed()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(dir.Path, o => o.NamesrvAddr = [ns.Address]);
        await using (var producer = new Producer(new ProducerOptions { NameServerAddresses = [ns.Address], ProducerGroup = "PG_UNTRACED" }))
        {
            await producer.StartAsync();
            for (int i = 0; i < 3; i++)
            {
                // Sent to one queue so that one poll can hand all three over.
                await producer.SendAsync(new Message("PolledTopic", null, "key-" + i, "m"u8.ToArray()), new MessageQueue("PolledTopic", "broker-a", 0));
            }
        }
        var consumer = new PullConsumer(new PullConsumerOptions
        {
            NameServerAddresses = [ns.Address],
            ConsumerGroup = "CG_POLL_TRACED",
            Subscriptions = { ["PolledTopic"] = "*" },
            ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
            RebalanceInterval = TimeSpan.FromMilliseconds(500),
            EnableMessageTrace = true,
        });
        await consumer.StartAsync();
        var polled = new List<ReceivedMessage>();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (polled.Count < 3)
            {
                polled.AddRange(await consumer.PollAsync(TimeSpan.FromMilliseconds(500), timeout.Token));
            }
        }
        await consumer.DisposeAsync();

        await using var probe = new BrokerTestClient(broker.Address);
        List<TraceContext> records = [];
        await WaitUntilAsync(async () =>
        {
            records = await ReadTraceTopicAsync(probe);
            return records.Count(r => r.Type == TraceType.SubAfter) >= 3;
        });
        Assert.Multiple(() =>
        {
            Assert.That(records.Where(r => r.Type == TraceType.SubBefore).Select(r => r.Beans[0].MessageId), Is.EquivalentTo(polled.Select(m => m.MessageId)));
            Assert.That(records.Where(r => r.Type == TraceType.SubBefore).Select(r => r.Beans[0].Keys), Is.EquivalentTo(new[] { "key-0", "key-1", "key-2" }));
            Assert.That(records.Where(r => r.Type == TraceType.SubAfter).All(r => r.IsSuccess && r.ContextCode == 0), Is.True);
            Assert.That(records.Where(r => r.Type == TraceType.SubAfter).Select(r => r.RequestId),
                Is.EquivalentTo(records.Where(r => r.Type == TraceType.SubBefore).Select(r => r.RequestId)), "each SubAfter pairs with a SubBefore");
            Assert.That(records.Where(r => r.Type == TraceType.Pub), Is.Empty, "the producer did not trace");
        });
    }

    /// <summary>Every trace record stored so far (the trace topic has one queue when the broker creates it, up to four when auto-created).</summary>
    private static async Task<List<TraceContext>> ReadTraceTopicAsync(BrokerTestClient probe)
    {
        var records = new List<TraceContext>();
        for (int queue = 0; queue < 4; queue++)
        {
            using RemotingCommand response = await probe.PullAsync("CG_TRACE_READER", TraceTopic, queue, 0);
            if (response.Code != ResponseCode.Success)
            {
                continue;
            }
            foreach (var message in BrokerTestClient.DecodeAll(response.Body.Span))
            {
                records.AddRange(TraceDataEncoder.Decode(Encoding.UTF8.GetString(message.Body)));
            }
        }
        return records;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
