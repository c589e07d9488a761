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
        // Test cases write "a=1;b=2" so their names stay printable.
        Properties = Encoding.UTF8.GetBytes(properties.Replace('=', '\u0001').Replace(';', '\u0002')),
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

    [TestCase("KEYS=k", 0)]
    [TestCase("DELAY=0", 0)]
    [TestCase("DELAY=-1", 0)]
    [TestCase("DELAY=x", 0)]
    [TestCase("DELAY=1", MessageSysFlag.TransactionPreparedType)]
    [TestCase("DELAY=1", MessageSysFlag.TransactionRollbackType)]
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

    [Test]
    public void Half_messages_are_not_parked()
    {
        var hook = new DelayPutHook(maxLevel: 18);
        MessageToStore message = Message("DELAY\u00011");
        message.Topic = "RMQ_SYS_TRANS_HALF_TOPIC";
        hook.BeforePut(message, out _);
        Assert.That(message.Topic, Is.EqualTo("RMQ_SYS_TRANS_HALF_TOPIC"));
    }
}
