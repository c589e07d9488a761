using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Mq.Brokers;
using Mq.Brokers.Schedule;
using Mq.Messages;

namespace Mq.Tests.Brokers.Schedule;

public sealed class TimerPutHookTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_250);

    private static (int Code, MessageToStore Message) Put(params (string Key, string Value)[] properties)
    {
        var hook = new TimerPutHook(new BrokerOptions(), new FakeTimeProvider(Now));
        var message = new MessageToStore
        {
            Topic = "Orders",
            QueueId = 3,
            Body = new byte[] { 1 },
            Properties = MessageProperties.Encode([.. properties.Select(p => new KeyValuePair<string, string>(p.Key, p.Value))]),
        };
        int code = hook.BeforePut(message, out _);
        return (code, message);
    }

    private static string? Property(MessageToStore message, string key) =>
        MessageProperties.Decode(message.Properties.Span).GetValueOrDefault(key);

    [TestCase("TIMER_DELAY_SEC", "10", 1_800_000_010_000)]
    [TestCase("TIMER_DELAY_MS", "1500", 1_800_000_001_000)]
    [TestCase("TIMER_DELIVER_MS", "1800000005000", 1_800_000_004_000)]
    [TestCase("TIMER_DELIVER_MS", "1800000005999", 1_800_000_005_000)]
    public void A_future_time_is_rounded_down_to_the_precision_as_5x_does_and_the_message_parked(string key, string value, long expectedOut)
    {
        (int code, MessageToStore message) = Put((key, value), ("KEYS", "k"));

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(message.Topic, Is.EqualTo("rmq_sys_wheel_timer"));
            Assert.That(message.QueueId, Is.Zero);
            Assert.That(Property(message, "TIMER_OUT_MS"), Is.EqualTo(expectedOut.ToString(CultureInfo.InvariantCulture)),
                "an exact multiple moves a whole step earlier (5.x's wheel slot)");
            Assert.That(Property(message, "REAL_TOPIC"), Is.EqualTo("Orders"));
            Assert.That(Property(message, "REAL_QID"), Is.EqualTo("3"));
            Assert.That(Property(message, "KEYS"), Is.EqualTo("k"));
        });
    }

    [Test]
    public void Messages_without_timer_properties_or_already_delivered_ones_pass_untouched()
    {
        (int plainCode, MessageToStore plain) = Put(("KEYS", "k"));
        (int doneCode, MessageToStore done) = Put(("TIMER_DELAY_SEC", "10"), ("TIMER_OUT_MS", "1"));
        Assert.Multiple(() =>
        {
            Assert.That(plainCode, Is.Zero);
            Assert.That(plain.Topic, Is.EqualTo("Orders"));
            Assert.That(doneCode, Is.Zero);
            Assert.That(done.Topic, Is.EqualTo("Orders"), "a delivered timer message (a consumer's retry of it) is not parked again");
        });
    }
}
