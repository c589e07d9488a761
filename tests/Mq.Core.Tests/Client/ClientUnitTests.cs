using System.Net;
using Mq.Client;
using Mq.Protocol.Body;

namespace Mq.Tests.Client;

public sealed class ClientUnitTests
{
    private static List<MessageQueue> Queues(int n) => [.. Enumerable.Range(0, n).Select(i => new MessageQueue("T", "broker-a", i))];

    [TestCase(8, 3, new[] { 3, 3, 2 })]
    [TestCase(2, 3, new[] { 1, 1, 0 })]
    [TestCase(4, 2, new[] { 2, 2 })]
    public void Averagely_gives_contiguous_nearly_equal_ranges(int queues, int consumers, int[] expected)
    {
        List<MessageQueue> all = Queues(queues);
        var ids = Enumerable.Range(0, consumers).Select(i => "c" + i).ToList();
        var shares = ids.Select(id => QueueAllocator.Averagely(id, all, ids)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(shares.Select(s => s.Count), Is.EqualTo(expected));
            Assert.That(shares.SelectMany(s => s).Distinct().Count(), Is.EqualTo(Math.Min(queues, queues)));
            Assert.That(shares[0].Select(q => q.QueueId), Is.Ordered);
            Assert.That(QueueAllocator.Averagely("unknown", all, ids), Is.Empty);
        });
    }

    [Test]
    public void By_circle_and_consistent_hash_partition_every_queue_exactly_once()
    {
        List<MessageQueue> all = Queues(16);
        var ids = new List<string> { "10.0.0.1@a", "10.0.0.2@b", "10.0.0.3@c" };
        var circle = ids.SelectMany(id => QueueAllocator.AveragelyByCircle(id, all, ids)).ToList();
        var hash = ids.SelectMany(id => QueueAllocator.ConsistentHash(id, all, ids)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(circle, Is.EquivalentTo(all));
            Assert.That(QueueAllocator.AveragelyByCircle(ids[1], all, ids).Select(q => q.QueueId), Is.EqualTo(new[] { 1, 4, 7, 10, 13 }));
            Assert.That(hash, Is.EquivalentTo(all));
            Assert.That(QueueAllocator.JavaQueueString(all[3]), Is.EqualTo("MessageQueue [topic=T, brokerName=broker-a, queueId=3]"));
        });
    }

    [Test]
    public void Unique_ids_are_32_hex_chars_with_a_fixed_prefix_and_distinct()
    {
        var generator = new UniqueIdGenerator(IPAddress.Parse("10.1.2.3"), 4660, 0x01020304);
        var ids = Enumerable.Range(0, 1000).Select(_ => generator.Next()).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ids.Distinct().Count(), Is.EqualTo(1000));
            Assert.That(ids[0], Has.Length.EqualTo(32));
            Assert.That(ids[0], Does.StartWith("0A010203" + "1234" + "01020304"));
            Assert.That(ids[0], Does.Match("^[0-9A-F]{32}$"));
        });
    }

    [Test]
    public void Process_queue_commits_the_smallest_in_flight_offset()
    {
        var queue = new ProcessQueue(new MessageQueue("T", "b", 0));
        queue.Add(10, 5);
        queue.Add(11, 5);
        queue.Add(12, 5);
        Assert.Multiple(() =>
        {
            Assert.That(queue.Remove(11), Is.EqualTo(10), "10 is still in flight");
            Assert.That(queue.Remove(10), Is.EqualTo(12));
            Assert.That(queue.Remove(12), Is.EqualTo(13), "empty: one past the largest offset");
            Assert.That(queue.Bytes, Is.Zero);
            Assert.That(queue.Remove(13), Is.EqualTo(-1));
        });
    }

    [TestCase(10, 0)]
    [TestCase(549, 0)]
    [TestCase(550, 30_000)]
    [TestCase(2500, 120_000)]
    [TestCase(30_000, 600_000)]
    public void Fault_avoidance_table_matches_RocketMQ(long latency, long notAvailable) =>
        Assert.That(LatencyFaultTolerance.ComputeNotAvailableDuration(latency), Is.EqualTo(notAvailable));

    [Test]
    public void Sharding_key_selects_abs_java_hash_mod_count()
    {
        List<MessageQueue> all = Queues(4);
        // Java "order-1".hashCode() = -1207046286 ... use the selector twice: stable, and matches abs(h % n).
        int h = Mq.Common.JavaHash.StringHashCode("order-1");
        Assert.That(Producer.SelectByShardingKey(all, "order-1").QueueId, Is.EqualTo(Math.Abs(h % 4)));
    }

    [Test]
    public void Options_validation_rejects_missing_name_servers_and_bad_subscriptions()
    {
        Assert.Throws<ArgumentException>(() => new ProducerOptions().Validate());
        var consumer = new ConsumerOptions { NameServerAddresses = ["127.0.0.1:9876"], ConsumerGroup = "G", Subscriptions = { ["T"] = "||" } };
        Assert.Throws<ArgumentException>(() => consumer.Validate());
        consumer.Subscriptions["T"] = "a || b";
        Assert.DoesNotThrow(() => consumer.Validate());
    }
}
