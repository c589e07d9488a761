using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Mq.Brokers;
using Mq.Brokers.Topics;
using Mq.Protocol.Body;
using Mq.TestKit;

namespace Mq.Tests.Brokers;

public sealed class TopicConfigManagerTests
{
    private static TopicConfigManager Create(string root, bool autoCreate = true) =>
        new(new BrokerOptions { StorePathRootDir = root, AutoCreateTopicEnable = autoCreate }, new FakeTimeProvider(), NullLogger.Instance);

    [Test]
    public void Auto_creation_inherits_from_TBW102_with_min_queue_count_and_without_INHERIT()
    {
        using var directory = new TempDirectory();
        TopicConfigManager topics = Create(directory.Path);
        int changes = 0;
        topics.Changed += () => changes++;
        DataVersion before = topics.DataVersion;

        TopicConfig? small = topics.CreateTopicInSendMessageMethod("Small", "TBW102", "peer", 4, 0);
        TopicConfig? capped = topics.CreateTopicInSendMessageMethod("Capped", "TBW102", "peer", 100, 0);

        Assert.That((small!.WriteQueueNums, small.ReadQueueNums, small.Perm), Is.EqualTo((4, 4, 6)));
        Assert.That(capped!.WriteQueueNums, Is.EqualTo(8), "min(requested, TBW102 write queues)");
        Assert.That(changes, Is.EqualTo(2));
        Assert.That(topics.DataVersion.Counter, Is.EqualTo(before.Counter + 2));
        Assert.That(topics.CreateTopicInSendMessageMethod("Small", "TBW102", "peer", 1, 0), Is.SameAs(small), "existing topics are returned as they are");
    }

    [Test]
    public void Without_auto_creation_there_is_no_TBW102_and_no_inheritance()
    {
        using var directory = new TempDirectory();
        TopicConfigManager topics = Create(directory.Path, autoCreate: false);
        Assert.That(topics.Find("TBW102"), Is.Null);
        Assert.That(topics.CreateTopicInSendMessageMethod("X", "TBW102", "peer", 4, 0), Is.Null);
        // A template without INHERIT is refused too.
        Assert.That(topics.CreateTopicInSendMessageMethod("Y", "SELF_TEST_TOPIC", "peer", 4, 0), Is.Null);
    }

    [Test]
    public void System_topics_exist_at_start()
    {
        using var directory = new TempDirectory();
        TopicConfigManager topics = Create(directory.Path);
        Assert.That(topics.Find("TBW102")!.Perm, Is.EqualTo(7));
        Assert.That(topics.Find("SCHEDULE_TOPIC_XXXX")!.WriteQueueNums, Is.EqualTo(18));
        foreach (string name in new[] { "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT", "BenchmarkTest", "DefaultCluster", "broker-a", "DefaultCluster_REPLY_TOPIC", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC" })
        {
            Assert.That(topics.Find(name), Is.Not.Null, name);
        }
    }

    [Test]
    public void Persists_atomically_keeps_a_backup_and_reloads()
    {
        using var directory = new TempDirectory();
        TopicConfigManager topics = Create(directory.Path);
        topics.Update(new TopicConfig { TopicName = "A", ReadQueueNums = 3, WriteQueueNums = 3, Perm = 6 });
        topics.Update(new TopicConfig { TopicName = "B", ReadQueueNums = 2, WriteQueueNums = 2, Perm = 4 });
        string path = Path.Combine(directory.Path, "config", "topics.json");
        Assert.That(File.Exists(path + ".bak"), Is.True);
        Assert.That(File.Exists(path + ".tmp"), Is.False);

        TopicConfigManager reloaded = Create(directory.Path);
        reloaded.Load();
        Assert.That(reloaded.Find("B")!.Perm, Is.EqualTo(4));
        Assert.That(reloaded.DataVersion, Is.EqualTo(topics.DataVersion));

        // A torn main file falls back to the backup (which lacks only the last change).
        File.WriteAllText(path, "{\"topicConfigTable\":{");
        TopicConfigManager fromBackup = Create(directory.Path);
        fromBackup.Load();
        Assert.That(fromBackup.Find("A")!.WriteQueueNums, Is.EqualTo(3));

        // Both unreadable: refuse to start rather than forget every topic.
        File.WriteAllText(path + ".bak", "garbage");
        Assert.That(() => Create(directory.Path).Load(), Throws.TypeOf<InvalidDataException>());
    }

    [Test]
    public void Delete_removes_and_bumps_version()
    {
        using var directory = new TempDirectory();
        TopicConfigManager topics = Create(directory.Path);
        topics.CreateTopicIfAbsent("%RETRY%G", 1, 6);
        long counter = topics.DataVersion.Counter;
        Assert.That(topics.Delete("%RETRY%G"), Is.True);
        Assert.That(topics.Delete("%RETRY%G"), Is.False);
        Assert.That(topics.Find("%RETRY%G"), Is.Null);
        Assert.That(topics.DataVersion.Counter, Is.EqualTo(counter + 1));
    }
}
