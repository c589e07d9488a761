using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Mq.Client;
using Mq.Messages;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Client;

[Category("Integration")]
public sealed class ClientDeliveryTests
{
    private static Task<NameServer> StartNameServerAsync() => NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });

    private static Task<Mq.Brokers.Broker> StartBrokerAsync(string root, NameServer ns, string name = "broker-a") =>
        BrokerHarness.StartAsync(root, o =>
        {
            o.NamesrvAddr = [ns.Address];
            o.BrokerName = name;
            o.TransactionCheckInterval = TimeSpan.FromMilliseconds(500);
            o.TransactionTimeOut = TimeSpan.FromMilliseconds(200);
        });

    private static ConsumerOptions Consumer(NameServer ns, string group, string topic) => new()
    {
        NameServerAddresses = [ns.Address],
        ConsumerGroup = group,
        Subscriptions = { [topic] = "*" },
        ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
        RebalanceInterval = TimeSpan.FromSeconds(1),
    };

    private static async Task<Producer> StartProducerAsync(NameServer ns, Action<ProducerOptions>? configure = null)
    {
        var options = new ProducerOptions { NameServerAddresses = [ns.Address], ProducerGroup = "PG_DELIVERY" };
        configure?.Invoke(options);
        var producer = new Producer(options);
        await producer.StartAsync();
        return producer;
    }

    [Test]
    public async Task Failed_message_is_redelivered_with_original_topic_then_dead_lettered()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        SendResult sent = await producer.SendAsync(new Message("RetryMe", Encoding.UTF8.GetBytes("fail")));

        var deliveries = new ConcurrentQueue<ReceivedMessage>();
        ConsumerOptions options = Consumer(ns, "CG_RETRY", "RetryMe");
        options.MaxReconsumeTimes = 1;
        await using var consumer = new PushConsumer(options, (m, context, _) =>
        {
            deliveries.Enqueue(m);
            context.DelayLevelWhenNextConsume = 1;
            return ValueTask.FromResult(ConsumeResult.ReconsumeLater);
        });
        await consumer.StartAsync();

        await using var probe = new BrokerTestClient(broker.Address);
        await WaitUntilAsync(async () =>
        {
            using RemotingCommand response = await probe.PullAsync("CG_PROBE", "%DLQ%CG_RETRY", 0, 0);
            return response.Code == ResponseCode.Success;
        });
        ReceivedMessage[] all = [.. deliveries];
        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Length.EqualTo(2));
            Assert.That(all.All(m => m.Topic == "RetryMe" && m.MessageId == sent.MessageId), Is.True);
            Assert.That(all.Select(m => m.ReconsumeTimes), Is.EqualTo(new[] { 0, 1 }));
        });
    }

    [Test]
    public async Task Broadcast_consumers_each_receive_every_message()
    {
        using var dir = new TempDirectory();
        using var offsets = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        for (int i = 0; i < 10; i++)
        {
            await producer.SendAsync(new Message("Broadcast", Encoding.UTF8.GetBytes("b" + i)));
        }
        var got = new[] { new ConcurrentDictionary<string, byte>(), new ConcurrentDictionary<string, byte>() };
        var consumers = new List<PushConsumer>();
        for (int c = 0; c < 2; c++)
        {
            ConsumerOptions options = Consumer(ns, "CG_BC", "Broadcast");
            options.MessageModel = ConsumerMessageModel.Broadcasting;
            options.OffsetStoreDirectory = Path.Combine(offsets.Path, c.ToString(System.Globalization.CultureInfo.InvariantCulture));
            int index = c;
            var consumer = new PushConsumer(options, (m, _, _) =>
            {
                got[index][m.MessageId] = 0;
                return ValueTask.FromResult(ConsumeResult.Success);
            });
            await consumer.StartAsync();
            consumers.Add(consumer);
        }
        await WaitUntilAsync(() => Task.FromResult(got[0].Count == 10 && got[1].Count == 10));
        foreach (PushConsumer consumer in consumers)
        {
            await consumer.DisposeAsync();
        }
        Assert.That(File.Exists(Path.Combine(offsets.Path, "0", "CG_BC", "offsets.json")), Is.True);
    }

    [Test]
    public async Task With_two_brokers_and_one_stopped_sends_go_to_the_other()
    {
        using var dirA = new TempDirectory();
        using var dirB = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker brokerA = await StartBrokerAsync(dirA.Path, ns, "broker-a");
        Mq.Brokers.Broker brokerB = await StartBrokerAsync(dirB.Path, ns, "broker-b");
        await using Producer producer = await StartProducerAsync(ns);
        // Create the topic on both brokers through the TBW102 route, then learn its two-broker route.
        var seen = new HashSet<string>();
        for (int i = 0; i < 16 && seen.Count < 2; i++)
        {
            seen.Add((await producer.SendAsync(new Message("TwoBrokers", Encoding.UTF8.GetBytes("x")))).Queue.BrokerName);
        }
        Assert.That(seen, Is.EquivalentTo(new[] { "broker-a", "broker-b" }));
        await brokerB.DisposeAsync();
        var after = new List<SendResult>();
        for (int i = 0; i < 10; i++)
        {
            after.Add(await producer.SendAsync(new Message("TwoBrokers", Encoding.UTF8.GetBytes("y" + i))));
        }
        Assert.That(after.All(r => r.Queue.BrokerName == "broker-a" && r.Status == SendStatus.SendOk), Is.True);
    }

    [Test]
    public async Task Sharding_key_keeps_order_per_queue_and_batch_gets_consecutive_offsets()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        var byKey = new Dictionary<string, List<SendResult>>();
        for (int i = 0; i < 30; i++)
        {
            string key = "order-" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            SendResult result = await producer.SendAsync(new Message("Ordered", Encoding.UTF8.GetBytes("o" + i)) { ShardingKey = key });
            (byKey.TryGetValue(key, out var list) ? list : byKey[key] = []).Add(result);
        }
        foreach (List<SendResult> results in byKey.Values)
        {
            Assert.That(results.Select(r => r.Queue).Distinct().Count(), Is.EqualTo(1));
            Assert.That(results.Select(r => r.QueueOffset), Is.Ordered.And.Unique);
        }

        var batch = Enumerable.Range(0, 5).Select(i => new Message("Batched", "T", "k" + i, Encoding.UTF8.GetBytes("batch" + i))).ToList();
        SendResult batchResult = await producer.SendBatchAsync(batch);
        var received = new ConcurrentDictionary<long, ReceivedMessage>();
        await using var consumer = new PushConsumer(Consumer(ns, "CG_BATCH", "Batched"), (m, _, _) =>
        {
            received[m.QueueOffset] = m;
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(received.Count == 5));
        Assert.Multiple(() =>
        {
            Assert.That(received.Keys.Order(), Is.EqualTo(Enumerable.Range((int)batchResult.QueueOffset, 5).Select(i => (long)i)));
            Assert.That(string.Join(',', received.Values.OrderBy(m => m.QueueOffset).Select(m => m.MessageId)), Is.EqualTo(batchResult.MessageId));
            Assert.That(received.Values.All(m => m.Tags == "T" && m.Queue.QueueId == batchResult.Queue.QueueId), Is.True);
        });
    }

    [Test]
    public async Task Transactions_commit_now_or_through_the_check_back()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = new(new ProducerOptions { NameServerAddresses = [ns.Address], ProducerGroup = "PG_TX" })
        {
            TransactionCheckHandler = (m, _) => ValueTask.FromResult(Encoding.UTF8.GetString(m.Body.Span) == "later" ? TransactionState.Commit : TransactionState.Rollback),
        };
        await producer.StartAsync();
        TransactionSendResult now = await producer.SendInTransactionAsync(new Message("Tx", Encoding.UTF8.GetBytes("now")), (_, _) => ValueTask.FromResult(TransactionState.Commit));
        await producer.SendInTransactionAsync(new Message("Tx", Encoding.UTF8.GetBytes("never")), (_, _) => ValueTask.FromResult(TransactionState.Rollback));
        await producer.SendInTransactionAsync(new Message("Tx", Encoding.UTF8.GetBytes("later")), (_, _) => ValueTask.FromResult(TransactionState.Unknown));
        Assert.That(now.State, Is.EqualTo(TransactionState.Commit));

        var bodies = new ConcurrentBag<string>();
        await using var consumer = new PushConsumer(Consumer(ns, "CG_TX", "Tx"), (m, _, _) =>
        {
            bodies.Add(Encoding.UTF8.GetString(m.Body.Span));
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(bodies.Contains("now") && bodies.Contains("later")));
        Assert.That(bodies, Does.Not.Contain("never"));
    }

    [Test]
    public async Task Orderly_consumer_keeps_queue_order_and_retries_a_failure_in_place()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        for (int i = 0; i < 30; i++)
        {
            string key = "k" + (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await producer.SendAsync(new Message("OrderlyTopic", Encoding.UTF8.GetBytes(key + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))) { ShardingKey = key });
        }
        var seen = new ConcurrentQueue<string>();
        int failures = 0;
        ConsumerOptions options = Consumer(ns, "CG_ORDERLY", "OrderlyTopic");
        options.Orderly = true;
        options.SuspendCurrentQueueTime = TimeSpan.FromMilliseconds(50);
        await using var consumer = new PushConsumer(options, (m, _, _) =>
        {
            string body = Encoding.UTF8.GetString(m.Body.Span);
            if (body == "k1:4" && Interlocked.Increment(ref failures) == 1)
            {
                return ValueTask.FromResult(ConsumeResult.ReconsumeLater);
            }
            seen.Enqueue(body);
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(seen.Count == 30));
        foreach (IGrouping<string, string> group in seen.GroupBy(b => b.Split(':')[0]))
        {
            Assert.That(group.Select(b => int.Parse(b.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)), Is.Ordered, group.Key);
        }
        Assert.That(failures, Is.EqualTo(2), "the failed message was retried in place once");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_consumed_message_is_handled_inside_the_trace_it_was_sent_from(bool orderly)
    {
        // The producer's send activity is a child of the caller's, and its W3C context travels in the traceparent
        // property; the consumer's receive activity continues from the send, concurrent or orderly, and is current
        // while the handler runs.
        string topic = orderly ? "TracedOrderly" : "TracedConcurrent";
        var stopped = new ConcurrentQueue<Activity>();
        using ActivityListener listener = ListenToClientActivities(stopped);
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);

        using var checkout = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        SendResult sent = await producer.SendAsync(new Message(topic, Encoding.UTF8.GetBytes("traced")));
        Assert.That(Activity.Current, Is.SameAs(checkout), "sending leaves the caller's current activity as it was");
        checkout.Stop();

        var inHandler = new TaskCompletionSource<(ActivityTraceId, ActivitySpanId, string?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        ConsumerOptions options = Consumer(ns, "CG_TRACE_" + topic, topic);
        options.Orderly = orderly;
        await using var consumer = new PushConsumer(options, (message, _, _) =>
        {
            Activity? current = Activity.Current;
            inHandler.TrySetResult((current?.TraceId ?? default, current?.ParentSpanId ?? default, current?.OperationName, message.MessageId));
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        (ActivityTraceId traceId, ActivitySpanId parent, string? operation, string? messageId) = await inHandler.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Activity send = stopped.Single(a => a.OperationName == "send " + topic);
        Assert.Multiple(() =>
        {
            Assert.That(operation, Is.EqualTo("receive " + topic));
            Assert.That(traceId, Is.EqualTo(checkout.TraceId), "the receive activity is in the sender's trace");
            Assert.That(parent, Is.EqualTo(send.SpanId), "and continues from the send");
            Assert.That(messageId, Is.EqualTo(sent.MessageId));
            Assert.That(send.TraceId, Is.EqualTo(checkout.TraceId));
            Assert.That(send.ParentSpanId, Is.EqualTo(checkout.SpanId));
            Assert.That(send.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(send.GetTagItem("messaging.message.id"), Is.EqualTo(sent.MessageId));
        });
    }

    [Test]
    public async Task A_batch_is_one_send_activity_its_messages_continue_from_and_a_failed_send_is_an_error()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using ActivityListener listener = ListenToClientActivities(stopped);
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns, o => o.RetryTimesWhenSendFailed = 1);

        using var checkout = new Activity("checkout").SetIdFormat(ActivityIdFormat.W3C).Start();
        await producer.SendBatchAsync([new Message("TracedBatch", "a"u8.ToArray()), new Message("TracedBatch", "b"u8.ToArray())]);
        // A reserved topic: the broker refuses it (NO_PERMISSION), on both attempts.
        Assert.ThrowsAsync<MqClientException>(() => producer.SendAsync(new Message("SCHEDULE_TOPIC_XXXX", "x"u8.ToArray())));
        checkout.Stop();

        var parents = new ConcurrentQueue<ActivitySpanId>();
        await using var consumer = new PushConsumer(Consumer(ns, "CG_TRACE_BATCH", "TracedBatch"), (_, _, _) =>
        {
            parents.Enqueue(Activity.Current?.ParentSpanId ?? default);
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(parents.Count == 2));

        Activity[] sends = [.. stopped.Where(a => a.TraceId == checkout.TraceId && a.Kind == ActivityKind.Producer)];
        Activity batch = sends.Single(a => a.OperationName == "send TracedBatch");
        Activity refused = sends.Single(a => a.OperationName == "send SCHEDULE_TOPIC_XXXX");
        Assert.Multiple(() =>
        {
            Assert.That(parents, Has.All.EqualTo(batch.SpanId), "both messages of the batch continue from its send");
            Assert.That(batch.GetTagItem("messaging.batch.message_count"), Is.EqualTo(2));
            Assert.That(refused.Status, Is.EqualTo(ActivityStatusCode.Error), "one activity over both attempts, failed");
        });
    }

    [Test]
    public async Task Admin_tools_get_a_consumers_running_info_and_offsets_through_the_broker()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        for (int i = 0; i < 6; i++)
        {
            await producer.SendAsync(new Message("RunningInfoTopic", Encoding.UTF8.GetBytes("m" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
        int handled = 0;
        await using var consumer = new PushConsumer(Consumer(ns, "CG_RUNNING", "RunningInfoTopic"), (message, _, _) =>
        {
            Interlocked.Increment(ref handled);
            // One failure: it goes back through the retry topic (10 s later), and counts as a failed message.
            bool fail = Encoding.UTF8.GetString(message.Body.Span) == "m3" && message.ReconsumeTimes == 0;
            return ValueTask.FromResult(fail ? ConsumeResult.ReconsumeLater : ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref handled) >= 6));

        await using var admin = new BrokerTestClient(broker.Address, "127.0.0.1@admin");
        using RemotingCommand answer = await admin.InvokeAsync(RequestCode.GetConsumerRunningInfo,
            new Dictionary<string, string?> { ["consumerGroup"] = "CG_RUNNING", ["clientId"] = consumer.ClientId, ["jstackEnable"] = "false" });
        using RemotingCommand offline = await admin.InvokeAsync(RequestCode.GetConsumerRunningInfo,
            new Dictionary<string, string?> { ["consumerGroup"] = "CG_RUNNING", ["clientId"] = "10.9.9.9@gone" });
        // mqadmin getConsumerStatus: the broker asks the group's consumers for their offsets of the topic.
        using RemotingCommand offsetsAnswer = await admin.InvokeAsync(RequestCode.InvokeBrokerToGetConsumerStatus,
            new Dictionary<string, string?> { ["topic"] = "RunningInfoTopic", ["group"] = "CG_RUNNING" });
        using RemotingCommand nobody = await admin.InvokeAsync(RequestCode.InvokeBrokerToGetConsumerStatus,
            new Dictionary<string, string?> { ["topic"] = "RunningInfoTopic", ["group"] = "CG_NOBODY" });

        Assert.That(answer.Code, Is.EqualTo(ResponseCode.Success), answer.Remark);
        ConsumerRunningInfo info = ConsumerRunningInfo.Decode(answer.Body.Span);
        Assert.Multiple(() =>
        {
            Assert.That(info.Properties["consumerGroup"], Is.EqualTo("CG_RUNNING"));
            Assert.That(info.Properties[ConsumerRunningInfo.ConsumeTypeProperty], Is.EqualTo("CONSUME_PASSIVELY"));
            Assert.That(info.Properties[ConsumerRunningInfo.ConsumeOrderlyProperty], Is.EqualTo("false"));
            Assert.That(info.Properties[ConsumerRunningInfo.NameServerAddressProperty], Is.EqualTo(ns.Address));
            Assert.That(info.SubscriptionSet.Select(sub => sub.Topic), Is.SupersetOf(new[] { "RunningInfoTopic", "%RETRY%CG_RUNNING" }));
            Assert.That(info.MqTable.Keys.Where(q => q.Topic == "RunningInfoTopic"), Is.Not.Empty);
            Assert.That(info.MqTable.Values.Sum(q => q.CommitOffset), Is.GreaterThanOrEqualTo(5), "the queues' committed offsets cover what was consumed");
            Assert.That(info.MqTable.Values.Max(q => q.LastPullTimestamp), Is.GreaterThan(0));
            ConsumeStatus status = info.StatusTable["RunningInfoTopic"];
            Assert.That(status.ConsumeFailedMsgs, Is.EqualTo(1));
            Assert.That(status.ConsumeOKTPS, Is.GreaterThan(0));
            Assert.That(status.PullTPS, Is.GreaterThan(0));
            Assert.That(offline.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(offline.Remark, Is.EqualTo("The Consumer <CG_RUNNING> <10.9.9.9@gone> not online"));
            Assert.That(offsetsAnswer.Code, Is.EqualTo(ResponseCode.Success), offsetsAnswer.Remark);
            Dictionary<MessageQueue, long> offsets = GetConsumerStatusBody.Decode(offsetsAnswer.Body.Span).ConsumerTable[consumer.ClientId];
            Assert.That(offsets.Keys, Has.All.Property(nameof(MessageQueue.Topic)).EqualTo("RunningInfoTopic"));
            Assert.That(offsets.Values.Sum(), Is.GreaterThanOrEqualTo(5), "the committed offsets cover what was consumed (the last may still be settling)");
            Assert.That(nobody.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(nobody.Remark, Is.EqualTo("No Any Consumer online in the consumer group: [CG_NOBODY]"));
        });
    }

    [Test]
    public async Task Admin_tools_can_hand_a_stored_message_straight_to_a_consumers_handler()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        SendResult fine = await producer.SendAsync(new Message("DirectTopic", "fine"u8.ToArray()));
        SendResult boom = await producer.SendAsync(new Message("DirectTopic", "boom"u8.ToArray()));
        var seen = new ConcurrentQueue<string>();
        // The group subscribes to a tag the messages do not carry: only the admin's calls reach the handler.
        ConsumerOptions options = Consumer(ns, "CG_DIRECT", "DirectTopic");
        options.Subscriptions["DirectTopic"] = "NeverSent";
        await using var consumer = new PushConsumer(options, (message, _, _) =>
        {
            string body = Encoding.UTF8.GetString(message.Body.Span);
            seen.Enqueue(body + "@" + message.Topic);
            return body == "boom" ? throw new InvalidOperationException("cannot handle boom") : ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();

        await using var admin = new BrokerTestClient(broker.Address, "127.0.0.1@admin");
        Dictionary<string, string?> Ask(string msgId) => new() { ["consumerGroup"] = "CG_DIRECT", ["clientId"] = consumer.ClientId, ["msgId"] = msgId };
        using RemotingCommand handled = await admin.InvokeAsync(RequestCode.ConsumeMessageDirectly, Ask(fine.OffsetMessageId));
        using RemotingCommand threw = await admin.InvokeAsync(RequestCode.ConsumeMessageDirectly, Ask(boom.OffsetMessageId));
        using RemotingCommand unknown = await admin.InvokeAsync(RequestCode.ConsumeMessageDirectly, Ask("0A0A0A0A00002A9F00000000FFFFFFFF"));

        Assert.That(handled.Code, Is.EqualTo(ResponseCode.Success), handled.Remark);
        Assert.That(threw.Code, Is.EqualTo(ResponseCode.Success), threw.Remark);
        ConsumeMessageDirectlyResult ok = ConsumeMessageDirectlyResult.Decode(handled.Body.Span);
        ConsumeMessageDirectlyResult failed = ConsumeMessageDirectlyResult.Decode(threw.Body.Span);
        Assert.Multiple(() =>
        {
            Assert.That(ok.ConsumeResult, Is.EqualTo("CR_SUCCESS"));
            Assert.That(ok.Order, Is.False);
            Assert.That(failed.ConsumeResult, Is.EqualTo("CR_THROW_EXCEPTION"));
            Assert.That(failed.Remark, Does.Contain("cannot handle boom"));
            Assert.That(seen, Is.EqualTo(new[] { "fine@DirectTopic", "boom@DirectTopic" }));
            Assert.That(unknown.Code, Is.EqualTo(ResponseCode.SystemError));
        });
    }

    [Test]
    public async Task Stopping_a_consumer_mid_stream_commits_what_its_handlers_finished_and_the_group_resumes_without_repeats()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer producer = await StartProducerAsync(ns);
        var all = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < 40; i++)
        {
            string body = "g" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            all.Add(body);
            await producer.SendAsync(new Message("GracefulTopic", Encoding.UTF8.GetBytes(body)));
        }

        // The first consumer's two handler slots block until it is told to stop; what is queued behind them when the
        // stop begins is either handled before its queue is given up or left for the group.
        var first = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int inside = 0;
        ConsumerOptions options = Consumer(ns, "CG_GRACEFUL", "GracefulTopic");
        options.ConsumeParallelism = 2;
        var consumer = new PushConsumer(options, async (message, _, _) =>
        {
            Interlocked.Increment(ref inside);
            await release.Task;
            first.Enqueue(Encoding.UTF8.GetString(message.Body.Span));
            return ConsumeResult.Success;
        });
        await consumer.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref inside) == 2));
        ValueTask stopping = consumer.DisposeAsync();
        release.SetResult();
        await stopping;

        var second = new ConcurrentQueue<string>();
        await using var successor = new PushConsumer(Consumer(ns, "CG_GRACEFUL", "GracefulTopic"), (message, _, _) =>
        {
            second.Enqueue(Encoding.UTF8.GetString(message.Body.Span));
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await successor.StartAsync();
        await WaitUntilAsync(() => Task.FromResult(first.Count + second.Count >= all.Count));
        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Count.GreaterThanOrEqualTo(2), "the two handlers in flight finished");
            Assert.That(first.Intersect(second), Is.Empty, "nothing the first consumer finished is delivered again");
            Assert.That(first.Concat(second), Is.EquivalentTo(all), "and nothing is lost");
        });
    }

    [Test]
    public async Task A_request_gets_the_reply_its_consumer_sends_and_an_unanswered_one_times_out()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await StartNameServerAsync();
        await using Mq.Brokers.Broker broker = await StartBrokerAsync(dir.Path, ns);
        await using Producer requester = await StartProducerAsync(ns);
        await using Producer replier = await StartProducerAsync(ns, o => o.ProducerGroup = "PG_REPLIER");
        await using var consumer = new PushConsumer(Consumer(ns, "CG_SERVICE", "RequestTopic"), async (request, _, ct) =>
        {
            Message reply = request.CreateReply(Encoding.UTF8.GetBytes("pong:" + Encoding.UTF8.GetString(request.Body.Span)));
            await replier.SendAsync(reply, ct);
            return ConsumeResult.Success;
        });
        await consumer.StartAsync();

        ReceivedMessage answer = await requester.RequestAsync(new Message("RequestTopic", "ping"u8.ToArray()), TimeSpan.FromSeconds(30));
        var unanswered = new Message("NobodyListens", "hello?"u8.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(answer.Body.Span), Is.EqualTo("pong:ping"));
            Assert.That(answer.Topic, Is.EqualTo(broker.Options.BrokerClusterName + "_REPLY_TOPIC"));
            Assert.That(answer.Property(MessageConst.CorrelationId), Is.Not.Null);
            Assert.That(answer.Property(MessageConst.ArriveTime), Is.Not.Null);
            Assert.ThrowsAsync<TimeoutException>(() => requester.RequestAsync(unanswered, TimeSpan.FromSeconds(1)));
            Assert.Throws<MqClientException>(() => answer.CreateReply("not a request"u8.ToArray()), "a reply is not a request");
        });
    }

    /// <summary>Records every stopped activity of the clients' source (of every test running: filter by topic or trace).</summary>
    private static ActivityListener ListenToClientActivities(ConcurrentQueue<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Mq.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
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
