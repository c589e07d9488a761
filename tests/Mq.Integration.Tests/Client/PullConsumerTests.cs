using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mq.Client;
using Mq.Hosting;
using Mq.Protocol.Body;
using Mq.Testing;

namespace Mq.Tests.Client;

[Category("Integration")]
public sealed class PullConsumerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static List<string> NameServers(MqCluster cluster) => [.. cluster.NameServerAddress.Split(';')];

    private static PullConsumerOptions Options(MqCluster cluster, string group, Action<PullConsumerOptions>? configure = null)
    {
        var options = new PullConsumerOptions
        {
            NameServerAddresses = NameServers(cluster),
            ConsumerGroup = group,
            ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
            RebalanceInterval = TimeSpan.FromMilliseconds(500),
            BrokerSuspendMaxTime = TimeSpan.FromSeconds(2),
            ConsumerTimeoutWhenSuspend = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<PullConsumer> StartAsync(PullConsumerOptions options, Action<PullConsumer>? before = null)
    {
        var consumer = new PullConsumer(options);
        before?.Invoke(consumer);
        await consumer.StartAsync();
        return consumer;
    }

    private static async Task<Producer> StartProducerAsync(MqCluster cluster)
    {
        var producer = new Producer(new ProducerOptions { NameServerAddresses = NameServers(cluster), ProducerGroup = "PG_PULL" });
        await producer.StartAsync();
        return producer;
    }

    private static async Task<List<SendResult>> SendAsync(Producer producer, string topic, int count, string prefix = "m")
    {
        var results = new List<SendResult>();
        for (int i = 0; i < count; i++)
        {
            results.Add(await producer.SendAsync(new Message(topic, Encoding.UTF8.GetBytes(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        }
        return results;
    }

    private static async Task<List<ReceivedMessage>> PollAsync(PullConsumer consumer, int count)
    {
        var received = new List<ReceivedMessage>();
        using var timeout = new CancellationTokenSource(Generous);
        while (received.Count < count)
        {
            received.AddRange(await consumer.PollAsync(TimeSpan.FromMilliseconds(500), timeout.Token));
        }
        return received;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Generous);
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task<long> CommittedTotalAsync(PullConsumer consumer, IEnumerable<MessageQueue> queues)
    {
        long total = 0;
        foreach (MessageQueue queue in queues)
        {
            total += Math.Max(0, await consumer.CommittedOffsetAsync(queue));
        }
        return total;
    }

    [Test]
    public async Task Assigned_queues_are_consumed_completely_in_queue_order()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullAssign", queues: 4);
        await using Producer producer = await StartProducerAsync(cluster);
        List<SendResult> sent = await SendAsync(producer, "PullAssign", 40);

        await using PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_ASSIGN"));
        IReadOnlyList<MessageQueue> queues = await consumer.FetchMessageQueuesAsync("PullAssign");
        consumer.Assign(queues);

        var received = new List<ReceivedMessage>();
        using var timeout = new CancellationTokenSource(Generous);
        await foreach (ReceivedMessage message in consumer.ConsumeAsync(timeout.Token))
        {
            received.Add(message);
            if (received.Count == sent.Count)
            {
                break;
            }
        }
        Assert.Multiple(() =>
        {
            Assert.That(queues, Has.Count.EqualTo(4));
            Assert.That(consumer.AssignedQueues, Is.EquivalentTo(queues));
            Assert.That(received.Select(m => m.MessageId), Is.EquivalentTo(sent.Select(r => r.MessageId)));
            foreach (IGrouping<MessageQueue, ReceivedMessage> queue in received.GroupBy(m => m.Queue))
            {
                Assert.That(queue.Select(m => m.QueueOffset), Is.EqualTo(Enumerable.Range(0, queue.Count()).Select(i => (long)i)), queue.Key.ToString());
            }
        });
        Assert.Throws<InvalidOperationException>(() => consumer.Subscribe("PullAssign"), "subscribe and assign are exclusive");
    }

    [Test]
    public async Task Two_subscribed_consumers_share_the_queues_and_each_message_is_consumed_once()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullShared", queues: 4);
        await using PullConsumer first = await StartAsync(Options(cluster, "CG_PULL_SHARED"), c => c.Subscribe("PullShared"));
        await using PullConsumer second = await StartAsync(Options(cluster, "CG_PULL_SHARED"), c => c.Subscribe("PullShared", "*"));
        // Both rebalanced to two queues each (NOTIFY_CONSUMER_IDS_CHANGED or the 500 ms rebalance).
        await WaitUntilAsync(() => Task.FromResult(first.AssignedQueues.Count == 2 && second.AssignedQueues.Count == 2));
        Assert.That(first.AssignedQueues.Intersect(second.AssignedQueues), Is.Empty);

        await using Producer producer = await StartProducerAsync(cluster);
        List<SendResult> sent = await SendAsync(producer, "PullShared", 40);
        var counts = new ConcurrentDictionary<string, int>();
        var byConsumer = new ConcurrentDictionary<string, ConcurrentBag<MessageQueue>>();
        using var done = new CancellationTokenSource(Generous);
        async Task DrainAsync(PullConsumer consumer)
        {
            while (counts.Count < sent.Count && !done.IsCancellationRequested)
            {
                foreach (ReceivedMessage message in await consumer.PollAsync(TimeSpan.FromMilliseconds(200), done.Token))
                {
                    counts.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
                    byConsumer.GetOrAdd(consumer.ClientId, _ => []).Add(message.Queue);
                }
            }
        }
        await Task.WhenAll(DrainAsync(first), DrainAsync(second));

        Assert.Multiple(() =>
        {
            Assert.That(counts.Keys, Is.EquivalentTo(sent.Select(r => r.MessageId)));
            Assert.That(counts.Values, Is.All.EqualTo(1), "each message once");
            Assert.That(byConsumer[first.ClientId].Distinct(), Is.SubsetOf(first.AssignedQueues));
            Assert.That(byConsumer[second.ClientId].Distinct(), Is.SubsetOf(second.AssignedQueues));
        });

        // The second leaves (unregisters): the first takes its queues over.
        await second.DisposeAsync();
        await WaitUntilAsync(() => Task.FromResult(first.AssignedQueues.Count == 4));
    }

    [Test]
    public async Task Seek_moves_a_queue_by_offset_begin_end_and_timestamp()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullSeek", queues: 1);
        await using Producer producer = await StartProducerAsync(cluster);
        List<SendResult> early = await SendAsync(producer, "PullSeek", 5);

        await using PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_SEEK"));
        var queue = new MessageQueue("PullSeek", "broker-a", 0);
        consumer.Assign([queue]);
        List<ReceivedMessage> all = await PollAsync(consumer, 5);
        // A later message with a strictly later store time, so a timestamp search has one answer.
        DateTimeOffset lastEarly = all[^1].StoreTimestamp;
        await WaitUntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > lastEarly.AddMilliseconds(5)));
        SendResult late = (await SendAsync(producer, "PullSeek", 1, "late"))[0];
        ReceivedMessage lateMessage = (await PollAsync(consumer, 1))[0];
        Assert.That(lateMessage.QueueOffset, Is.EqualTo(5));

        await consumer.SeekAsync(queue, 3);
        Assert.That((await PollAsync(consumer, 3)).Select(m => m.QueueOffset), Is.EqualTo(new long[] { 3, 4, 5 }));

        await consumer.SeekToBeginAsync(queue);
        Assert.That((await PollAsync(consumer, 6)).Select(m => m.QueueOffset), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }));

        Assert.That(await consumer.OffsetForTimestampAsync(queue, lateMessage.StoreTimestamp), Is.EqualTo(5));
        await consumer.SeekToTimestampAsync(queue, lateMessage.StoreTimestamp);
        ReceivedMessage afterTimestampSeek = (await PollAsync(consumer, 1))[0];
        Assert.That(afterTimestampSeek.MessageId, Is.EqualTo(late.MessageId));

        await consumer.SeekToEndAsync(queue);
        SendResult newest = (await SendAsync(producer, "PullSeek", 1, "newest"))[0];
        ReceivedMessage afterEnd = (await PollAsync(consumer, 1))[0];
        Assert.Multiple(() =>
        {
            Assert.That(afterEnd.MessageId, Is.EqualTo(newest.MessageId), "seek to end skips everything before");
            Assert.That(early, Has.Count.EqualTo(5));
        });
        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => consumer.SeekAsync(queue, 100));
        Assert.ThrowsAsync<InvalidOperationException>(() => consumer.SeekAsync(new MessageQueue("PullSeek", "broker-a", 7), 0));
    }

    [Test]
    public async Task Committed_offset_survives_a_restart_and_the_new_instance_resumes_after_it()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullResume", queues: 2);
        await using Producer producer = await StartProducerAsync(cluster);
        await SendAsync(producer, "PullResume", 10, "old");
        IReadOnlyList<MessageQueue> queues;

        await using (PullConsumer first = await StartAsync(Options(cluster, "CG_PULL_RESUME", o => o.AutoCommit = false)))
        {
            queues = await first.FetchMessageQueuesAsync("PullResume");
            first.Assign(queues);
            await PollAsync(first, 10);
            await first.CommitAsync();
            Assert.That(await CommittedTotalAsync(first, queues), Is.EqualTo(10), "CommitAsync waits for the broker");
            // Consumed but not committed: without auto-commit this one is delivered again after the restart.
            await SendAsync(producer, "PullResume", 1, "uncommitted");
            await PollAsync(first, 1);
        }

        List<SendResult> fresh = await SendAsync(producer, "PullResume", 5, "new");
        await using PullConsumer second = await StartAsync(Options(cluster, "CG_PULL_RESUME", o => o.AutoCommit = false), c => c.Assign(queues));
        List<ReceivedMessage> received = await PollAsync(second, 6);
        Assert.Multiple(() =>
        {
            Assert.That(received.Select(m => Encoding.UTF8.GetString(m.Body.Span)), Has.None.StartsWith("old"), "resumed after the committed offset");
            Assert.That(received.Select(m => Encoding.UTF8.GetString(m.Body.Span)).Count(b => b.StartsWith("uncommitted", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(received.Select(m => m.MessageId), Is.SupersetOf(fresh.Select(r => r.MessageId)));
        });
    }

    [Test]
    public async Task Commit_in_background_reaches_the_broker()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullCommitAsync", queues: 2);
        await using Producer producer = await StartProducerAsync(cluster);
        await SendAsync(producer, "PullCommitAsync", 8);
        await using PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_COMMIT_ASYNC", o => o.AutoCommit = false));
        IReadOnlyList<MessageQueue> queues = await consumer.FetchMessageQueuesAsync("PullCommitAsync");
        consumer.Assign(queues);
        await PollAsync(consumer, 8);
        Assert.That(await CommittedTotalAsync(consumer, queues), Is.Zero, "nothing is committed without a commit");

        consumer.CommitInBackground();
        await WaitUntilAsync(async () => await CommittedTotalAsync(consumer, queues) == 8);
    }

    [Test]
    public async Task Auto_commit_commits_what_was_consumed_and_stop_commits_the_rest()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullAuto", queues: 2);
        await using Producer producer = await StartProducerAsync(cluster);
        await SendAsync(producer, "PullAuto", 10);
        IReadOnlyList<MessageQueue> queues;
        await using (PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_AUTO", o => o.AutoCommitInterval = TimeSpan.FromMilliseconds(100))))
        {
            queues = await consumer.FetchMessageQueuesAsync("PullAuto");
            consumer.Assign(queues);
            await PollAsync(consumer, 10);
            // The next polls (the application is done with the earlier messages) commit them.
            await WaitUntilAsync(async () =>
            {
                await consumer.PollAsync(TimeSpan.FromMilliseconds(100));
                return await CommittedTotalAsync(consumer, queues) == 10;
            });
            await SendAsync(producer, "PullAuto", 4);
            await PollAsync(consumer, 4);
        }
        await using PullConsumer probe = await StartAsync(Options(cluster, "CG_PULL_AUTO"));
        Assert.That(await CommittedTotalAsync(probe, queues), Is.EqualTo(14), "a graceful stop commits what was consumed");
    }

    [Test]
    public async Task Enumeration_is_cancellable_and_leaving_early_keeps_the_rest()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullCancel", queues: 1);
        await using PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_CANCEL", o => o.PullBatchSize = 10));
        var queue = new MessageQueue("PullCancel", "broker-a", 0);
        consumer.Assign([queue]);

        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            Assert.That(async () =>
            {
                await foreach (ReceivedMessage message in consumer.ConsumeAsync(cancel.Token))
                {
                    Assert.Fail("the topic is empty, got " + message);
                }
            }, Throws.InstanceOf<OperationCanceledException>());
        }

        await using Producer producer = await StartProducerAsync(cluster);
        await producer.SendBatchAsync([.. Enumerable.Range(0, 10).Select(i => new Message("PullCancel", Encoding.UTF8.GetBytes("b" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))))]);
        var firstThree = new List<long>();
        using var timeout = new CancellationTokenSource(Generous);
        await foreach (ReceivedMessage message in consumer.ConsumeAsync(timeout.Token))
        {
            firstThree.Add(message.QueueOffset);
            if (firstThree.Count == 3)
            {
                break;
            }
        }
        List<ReceivedMessage> rest = await PollAsync(consumer, 7);
        Assert.Multiple(() =>
        {
            Assert.That(firstThree, Is.EqualTo(new long[] { 0, 1, 2 }));
            Assert.That(rest.Select(m => m.QueueOffset), Is.EqualTo(new long[] { 3, 4, 5, 6, 7, 8, 9 }));
        });
    }

    [Test]
    public async Task Buffering_stops_at_the_threshold_and_resumes_as_messages_are_taken()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullFlow", queues: 1);
        await using Producer producer = await StartProducerAsync(cluster);
        List<SendResult> sent = await SendAsync(producer, "PullFlow", 30);
        await using PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_FLOW", o =>
        {
            o.PullBatchSize = 5;
            o.PullThresholdForAll = 3;
        }));
        consumer.Assign([new MessageQueue("PullFlow", "broker-a", 0)]);
        await WaitUntilAsync(() => Task.FromResult(consumer.BufferedCount >= 5));

        // One pull of 5 crosses the threshold of 3; no further pull happens until messages are taken.
        long maxBuffered = consumer.BufferedCount;
        var received = new List<ReceivedMessage>();
        using var timeout = new CancellationTokenSource(Generous);
        while (received.Count < sent.Count)
        {
            maxBuffered = Math.Max(maxBuffered, consumer.BufferedCount);
            received.AddRange(await consumer.PollAsync(TimeSpan.FromMilliseconds(500), timeout.Token));
        }
        Assert.Multiple(() =>
        {
            Assert.That(maxBuffered, Is.LessThanOrEqualTo(3 + 5));
            Assert.That(received.Select(m => m.QueueOffset), Is.EqualTo(Enumerable.Range(0, 30).Select(i => (long)i)));
        });
    }

    [Test]
    public async Task Paused_queue_is_not_pulled_until_resumed()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullPause", queues: 1);
        await using PullConsumer consumer = await StartAsync(Options(cluster, "CG_PULL_PAUSE"));
        var queue = new MessageQueue("PullPause", "broker-a", 0);
        consumer.Pause([queue]);
        consumer.Assign([queue]);
        await using Producer producer = await StartProducerAsync(cluster);
        List<SendResult> sent = await SendAsync(producer, "PullPause", 3);

        Assert.That(await consumer.PollAsync(TimeSpan.FromSeconds(1)), Is.Empty, "a paused queue is not pulled");
        consumer.Resume([queue]);
        List<ReceivedMessage> received = await PollAsync(consumer, 3);
        Assert.That(received.Select(m => m.MessageId), Is.EqualTo(sent.Select(r => r.MessageId)));
    }

    [Test]
    public async Task Host_runs_a_keyed_pull_consumer()
    {
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("PullHosted", queues: 2);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddRocketMq().AddPullConsumer("CG_PULL_HOSTED", o =>
        {
            o.NameServerAddresses = NameServers(cluster);
            o.Subscriptions["PullHosted"] = "TagA";
            o.ConsumeFromWhere = ConsumeStartPoint.FirstOffset;
            o.BrokerSuspendMaxTime = TimeSpan.FromSeconds(2);
            o.ConsumerTimeoutWhenSuspend = TimeSpan.FromSeconds(10);
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        PullConsumer consumer = host.Services.GetRequiredKeyedService<PullConsumer>("CG_PULL_HOSTED");
        await using Producer producer = await StartProducerAsync(cluster);
        await producer.SendAsync(new Message("PullHosted", "TagB", null, Encoding.UTF8.GetBytes("filtered")));
        SendResult sent = await producer.SendAsync(new Message("PullHosted", "TagA", null, Encoding.UTF8.GetBytes("wanted")));
        using var timeout = new CancellationTokenSource(Generous);
        ReceivedMessage? received = null;
        await foreach (ReceivedMessage message in consumer.ConsumeAsync(timeout.Token))
        {
            received = message;
            break;
        }
        Assert.Multiple(() =>
        {
            Assert.That(consumer.Group, Is.EqualTo("CG_PULL_HOSTED"));
            Assert.That(received?.MessageId, Is.EqualTo(sent.MessageId), "the tag expression filters");
        });
        await host.StopAsync();
    }
}
