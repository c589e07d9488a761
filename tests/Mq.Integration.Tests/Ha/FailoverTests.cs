using System.Collections.Concurrent;
using System.Text;
using Mq.Brokers;
using Mq.Client;
using Mq.Storage;
using Mq.Testing;
using static Mq.Tests.Ha.HaClusterKit;

namespace Mq.Tests.Ha;

/// <summary>Clients across a master crash and restart in a two-group SYNC_MASTER cluster (issue 8).</summary>
[Category("Integration")]
[CancelAfter(240_000)]
public sealed class FailoverTests
{
    private const int QueueThreshold = 4;
    private const int BatchSize = 2;

    [Test]
    public async Task Consumer_continues_from_the_slave_producers_fail_over_and_the_restarted_master_takes_over_again()
    {
        await using MqCluster cluster = await StartAsync(groups: 2, masterRole: BrokerRole.SyncMaster);
        await cluster.CreateTopicAsync("Failover", queues: 4);
        await WaitUntil(() => cluster.Slave("broker-a").Node!.Topics.Find("Failover") is not null
            && cluster.Slave("broker-b").Node!.Topics.Find("Failover") is not null, "the slaves copied the topic");

        await using var producer = new Producer(new ProducerOptions
        {
            NameServerAddresses = [cluster.NameServerAddress],
            ProducerGroup = "PG_FO",
            PollNameServerInterval = TimeSpan.FromSeconds(1),
            RetryTimesWhenSendFailed = 2,
        });
        await producer.StartAsync();
        var acknowledged = new ConcurrentDictionary<string, string>();
        async Task SendBatch(string prefix, int count)
        {
            for (int i = 0; i < count; i++)
            {
                string body = prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                SendResult result = await producer.SendAsync(new Message("Failover", Encoding.UTF8.GetBytes(body)));
                // SEND_OK from a SYNC_MASTER: the slave had the message before the answer.
                Assert.That(result.Status, Is.EqualTo(SendStatus.SendOk), $"{body}: {result}");
                acknowledged[body] = result.Queue.BrokerName;
            }
        }
        await SendBatch("before-", 200);
        Assert.That(acknowledged.Values.Count(b => b == "broker-a"), Is.GreaterThan(50), "both groups took messages");

        var counts = new ConcurrentDictionary<string, int>();
        var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int received = 0;
        await using var consumer = new PushConsumer(new ConsumerOptions
        {
            NameServerAddresses = [cluster.NameServerAddress],
            ConsumerGroup = "CG_FO",
            Subscriptions = { ["Failover"] = "*" },
            ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
            PollNameServerInterval = TimeSpan.FromSeconds(1),
            RebalanceInterval = TimeSpan.FromSeconds(1),
            PersistConsumerOffsetInterval = TimeSpan.FromMilliseconds(200),
            PullTimeDelayWhenException = TimeSpan.FromMilliseconds(200),
            PullBatchSize = BatchSize,
            PullThresholdForQueue = QueueThreshold,
        }, async (message, _, ct) =>
        {
            counts.AddOrUpdate(Encoding.UTF8.GetString(message.Body.Span), 1, static (_, n) => n + 1);
            // Hold consumption after a few messages so most of broker-a's messages are still on the broker
            // (and must come from its slave) when its master dies.
            if (Interlocked.Increment(ref received) > 20)
            {
                await crashed.Task.WaitAsync(ct);
            }
            return ConsumeResult.Success;
        });
        await consumer.StartAsync();
        await WaitUntil(() => Volatile.Read(ref received) > 20, "the consumer started");

        Broker masterA = cluster.Broker("broker-a").Node!;
        long masterEnd = masterA.Store.CommitLogMaxOffset;
        await cluster.CrashBrokerAsync("broker-a");
        crashed.SetResult();

        // Producers fail over to broker-b; nothing acknowledged is lost for the consumer.
        await SendBatch("during-", 100);
        Assert.That(acknowledged.Where(e => e.Key.StartsWith("during-", StringComparison.Ordinal)).All(e => e.Value == "broker-b"), Is.True,
            "sends went to the group that still has a master");
        await WaitUntil(() => acknowledged.Keys.All(counts.ContainsKey), "every acknowledged message was consumed (broker-a's from its slave)");
        Broker slaveA = cluster.Slave("broker-a").Node!;
        Assert.That(slaveA.Store.CommitLogMaxOffset, Is.EqualTo(masterEnd), "the slave held all of the master's log");
        Assert.That(Interlocked.Read(ref slaveA.Stats.GetMessages), Is.GreaterThan(0), "broker-a's remaining messages came from its slave");

        // The master comes back: the slave reconnects and consumption continues on the master.
        await cluster.RestartBrokerAsync("broker-a");
        Broker restarted = cluster.Broker("broker-a").Node!;
        await WaitUntil(() => restarted.HaRuntimeInfo!.Value.ConnectedSlaves == 1, "the slave reconnected to the restarted master");
        await WaitCaughtUp(restarted, slaveA);
        // Producers find the master again at their next route refresh.
        var deadline = DateTime.UtcNow + Generous;
        for (int round = 0; !acknowledged.Any(e => e.Key.StartsWith("after-", StringComparison.Ordinal) && e.Value == "broker-a"); round++)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the restarted master takes sends again");
            await SendBatch("after-" + round.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-", 20);
        }
        await WaitUntil(() => acknowledged.Keys.All(counts.ContainsKey), "every message sent after the restart was consumed");
        await WaitCaughtUp(restarted, slaveA);

        int redelivered = counts.Values.Sum(n => n - 1);
        Assert.That(redelivered, Is.LessThanOrEqualTo(4 * (QueueThreshold + BatchSize)), "at most what was in flight is delivered twice");
    }
}
