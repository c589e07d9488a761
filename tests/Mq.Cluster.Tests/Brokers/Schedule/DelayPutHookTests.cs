using System.Text;
using Mq.Brokers.Schedule;
using Mq.Messages;

namespace Mq.Tests.Brokers.Schedule;

public sealed class DelayPutHookTests
{
    private static MessageToStore Message(string properties, int sysFlag = 0) => new()
    {
        Topic = "T",
        QueueId = 3,
        SysFlag = sysFlag,
        Properties = Encoding.UTF8.GetBytes(properties),
    };

    [Test]
    public void Delayed_message_is_parked_in_its_level_queue_with_the_real_destination()
    {
        var hook = new DelayPutHook(maxLevel: 18);
        MessageToStore message = Message("DELAY\u00012\u0002KEYS\u0001k");
        Assert.That(hook.BeforePut(message, out _), Is.Zero);
        Assert.That(message.Topic, Is.EqualTo("SCHEDULE_TOPIC_XXXX"));
        Assert.That(message.QueueId, Is.EqualTo(1));
        Dictionary<string, string> properties = MessageProperties.Decode(message.Properties.Span);
        Assert.That(properties["REAL_TOPIC"], Is.EqualTo("T"));
        Assert.That(properties["REAL_QID"], Is.EqualTo("3"));
        Assert.That(properties["DELAY"], Is.EqualTo("2"));
        Assert.That(properties["KEYS"], Is.EqualTo("k"));
    }

    [Test]
    public void Level_above_the_highest_is_clamped()
    {
        var hook = new DelayPutHook(maxLevel: 2);
        MessageToStore message = Message("DELAY\u000199");
        hook.BeforePut(message, out _);
        Assert.That(message.QueueId, Is.EqualTo(1));
        Assert.That(MessageProperties.Decode(message.Properties.Span)["DELAY"], Is.EqualTo("2"));
    }

    [TestCase("KEYS\u0001k", 0)]
    [TestCase("DELAY\u00010", 0)]
    [TestCase("DELAY\u0001-1", 0)]
    [TestCase("DELAY\u0001x", 0)]
    [TestCase("DELAY\u00011", MessageSysFlag.TransactionPreparedType)]
    [TestCase("DELAY\u00011", MessageSysFlag.TransactionRollbackType)]
    public void Other_messages_pass_unchanged(string properties, int sysFlag)
    {
        var hook = new DelayPutHook(maxLevel: 18);
        MessageToStore message = Message(properties, sysFlag);
        ReadOnlyMemory<byte> before = message.Properties;
        Assert.That(hook.BeforePut(message, out _), Is.Zero);
        Assert.That(message.Topic, Is.EqualTo("T"));
        Assert.That(message.QueueId, Is.EqualTo(3));
        Assert.That(message.Properties.Equals(before), Is.True);
    }
}
