using Mq.Client;
using Mq.Protocol.Body;

namespace Mq.Tests.Client;

/// <summary>
/// Allocations pinned to what Java's strategies compute (RocketMQ AllocateMessageQueueAveragely,
/// AllocateMessageQueueAveragelyByCircle, AllocateMessageQueueConsistentHash over ConsistentHashRouter with its
/// MD5 hash and 10 virtual nodes). The expected values were derived by working the Java algorithms through an
/// independent model (a separate MD5 implementation and sorted-map ring), not by running this code.
/// </summary>
public sealed class QueueAllocatorGoldenTests
{
    private static List<MessageQueue> Queues(string topic, string broker, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new MessageQueue(topic, broker, i))];

    private static string[] Short(IEnumerable<MessageQueue> queues) =>
        [.. queues.Select(q => q.BrokerName[^1..] + q.QueueId.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    [Test]
    public void Md5_ring_hash_is_the_first_four_digest_bytes_unsigned()
    {
        Assert.Multiple(() =>
        {
            Assert.That(QueueAllocator.Md5Hash("192.168.0.1@1-0"), Is.EqualTo(2325484510L), "above int.MaxValue: read unsigned");
            Assert.That(QueueAllocator.Md5Hash("MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=0]"), Is.EqualTo(1987926524L));
        });
    }

    [Test]
    public void Consistent_hash_three_consumers_eight_queues()
    {
        string[] ids = ["192.168.0.1@1", "192.168.0.2@2", "192.168.0.3@3"];
        List<MessageQueue> all = Queues("TopicTest", "broker-a", 8);
        Assert.Multiple(() =>
        {
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[0], all, ids)), Is.EqualTo(new[] { "a0", "a2", "a5" }));
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[1], all, ids)), Is.EqualTo(new[] { "a6" }));
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[2], all, ids)), Is.EqualTo(new[] { "a1", "a3", "a4", "a7" }));
        });
    }

    [Test]
    public void Consistent_hash_two_consumers_two_brokers()
    {
        string[] ids = ["10.0.0.1@a", "10.0.0.2@b"];
        List<MessageQueue> all = [.. Queues("orders", "broker-a", 4), .. Queues("orders", "broker-b", 4)];
        Assert.Multiple(() =>
        {
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[0], all, ids)), Is.EqualTo(new[] { "a2", "b1", "b3" }));
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[1], all, ids)), Is.EqualTo(new[] { "a0", "a1", "a3", "b0", "b2" }));
            Assert.That(QueueAllocator.ConsistentHash("10.0.0.9@z", all, ids), Is.Empty, "a client not in the list gets nothing");
        });
    }

    [Test]
    public void Consistent_hash_numbers_a_repeated_client_ids_virtual_nodes_after_its_first_ones()
    {
        // Java's addNode continues at "id-10".."id-19" for the second occurrence, so the repeated id owns more.
        string[] ids = ["127.0.0.1@x", "127.0.0.1@x", "127.0.0.1@y"];
        List<MessageQueue> all = Queues("T", "broker-a", 6);
        Assert.Multiple(() =>
        {
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[0], all, ids)), Is.EqualTo(new[] { "a0", "a1", "a2", "a5" }));
            Assert.That(Short(QueueAllocator.ConsistentHash(ids[2], all, ids)), Is.EqualTo(new[] { "a3", "a4" }));
        });
    }

    [TestCase(8, 3, 0, new[] { 0, 3, 6 })]
    [TestCase(8, 3, 1, new[] { 1, 4, 7 })]
    [TestCase(8, 3, 2, new[] { 2, 5 })]
    [TestCase(2, 3, 2, new int[0])]
    [TestCase(5, 1, 0, new[] { 0, 1, 2, 3, 4 })]
    public void Averagely_by_circle_takes_every_nth_queue(int queues, int consumers, int index, int[] expected)
    {
        string[] ids = [.. Enumerable.Range(0, consumers).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        List<MessageQueue> all = Queues("T", "broker-a", queues);
        Assert.That(QueueAllocator.AveragelyByCircle(ids[index], all, ids).Select(q => q.QueueId), Is.EqualTo(expected));
    }

    [TestCase(8, 3, 0, new[] { 0, 1, 2 })]
    [TestCase(8, 3, 2, new[] { 6, 7 })]
    [TestCase(10, 4, 1, new[] { 3, 4, 5 })]
    [TestCase(10, 4, 3, new[] { 8, 9 })]
    [TestCase(2, 3, 2, new int[0])]
    public void Averagely_gives_java_ranges(int queues, int consumers, int index, int[] expected)
    {
        string[] ids = [.. Enumerable.Range(0, consumers).Select(i => "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        List<MessageQueue> all = Queues("T", "broker-a", queues);
        Assert.That(QueueAllocator.Averagely(ids[index], all, ids).Select(q => q.QueueId), Is.EqualTo(expected));
    }
}
