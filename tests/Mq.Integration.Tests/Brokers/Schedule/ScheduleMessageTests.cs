using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers.Schedule;

[Category("Integration")]
public sealed class ScheduleMessageTests
{
    private static readonly string DelayedProperties = BrokerTestClient.Properties(("DELAY", "1"), ("KEYS", "k1"), ("TAGS", "tagA"), ("UNIQ_KEY", "U1"), ("custom", "v"));

    [Test]
    public async Task Delayed_message_is_invisible_until_due_then_delivered_with_its_properties()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MessageDelayLevel = "2s 5s");
        await using var client = new BrokerTestClient(broker.Address);
        long sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using RemotingCommand sent = await client.SendAsync("DelayTopic", Encoding.UTF8.GetBytes("later"), DelayedProperties, queueId: 1);
        Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(sent.ExtFields.GetRequiredString("queueId"u8), Is.EqualTo("1"), "the response names the real queue");

        Assert.That(await DeliveryProbe.ReadAsync(client, "DelayTopic", 1), Is.Empty, "not visible before due");
        List<DecodedMessage> parked = await DeliveryProbe.WaitForAsync(client, "SCHEDULE_TOPIC_XXXX", 0, 1);
        Assert.That(parked, Has.Count.EqualTo(1));
        Assert.That(parked[0].Properties["REAL_TOPIC"], Is.EqualTo("DelayTopic"));
        Assert.That(parked[0].Properties["REAL_QID"], Is.EqualTo("1"));

        List<DecodedMessage> delivered = await DeliveryProbe.WaitForAsync(client, "DelayTopic", 1, 1);
        DecodedMessage message = delivered.Single();
        Assert.That(message.StoreTimestamp - parked[0].StoreTimestamp, Is.GreaterThanOrEqualTo(1900), "delivered at the level's delay");
        Assert.That(message.StoreTimestamp, Is.GreaterThanOrEqualTo(sentAt + 1900));
        Assert.That(Encoding.UTF8.GetString(message.Body), Is.EqualTo("later"));
        Assert.That(message.Properties, Does.Not.ContainKey("DELAY"));
        Assert.That(message.Properties["KEYS"], Is.EqualTo("k1"));
        Assert.That(message.Properties["UNIQ_KEY"], Is.EqualTo("U1"));
        Assert.That(message.Properties["custom"], Is.EqualTo("v"));
        Assert.That(message.Tags, Is.EqualTo("tagA"));
        Assert.That(message.BornTimestamp, Is.EqualTo(parked[0].BornTimestamp));

        // A tag-filtered pull matches it, so the consume-queue tags code was recomputed from TAGS.
        using RemotingCommand filtered = await client.PullAsync("g-tag", "DelayTopic", 1, 0, subscription: "tagA");
        Assert.That(filtered.Code, Is.EqualTo(ResponseCode.Success));

        using RemotingCommand offsets = await client.InvokeAsync(RequestCode.GetAllDelayOffset);
        Assert.That(offsets.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(DelayOffsetSerializeWrapper.Decode(offsets.Body.Span).OffsetTable[1], Is.EqualTo(1));
    }

    [Test]
    public async Task Level_above_the_highest_uses_the_highest()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MessageDelayLevel = "1s 1s");
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("DelayTopic", [1], BrokerTestClient.Properties(("DELAY", "40")));
        Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(await DeliveryProbe.WaitForAsync(client, "SCHEDULE_TOPIC_XXXX", 1, 1), Has.Count.EqualTo(1));
        await DeliveryProbe.WaitForAsync(client, "DelayTopic", 0, 1);
    }

    [Test]
    public async Task Progress_survives_a_restart_without_redelivery_and_pending_messages_are_delivered_after_it()
    {
        using var directory = new TempDirectory();
        Action<Mq.Brokers.BrokerOptions> configure = o => o.MessageDelayLevel = "1s 3s";
        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, configure))
        {
            await using var client = new BrokerTestClient(broker.Address);
            using RemotingCommand first = await client.SendAsync("DelayTopic", Encoding.UTF8.GetBytes("first"), BrokerTestClient.Properties(("DELAY", "1")));
            await DeliveryProbe.WaitForAsync(client, "DelayTopic", 0, 1);
            // Pending at stop: level 2 (3 s) is not due yet.
            using RemotingCommand pending = await client.SendAsync("DelayTopic", Encoding.UTF8.GetBytes("pending"), BrokerTestClient.Properties(("DELAY", "2")));
            Assert.That(pending.Code, Is.EqualTo(ResponseCode.Success));
        }
        Assert.That(File.Exists(Path.Combine(directory.Path, "config", "delayOffset.json")), Is.True);

        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, configure))
        {
            await using var client = new BrokerTestClient(broker.Address);
            using RemotingCommand third = await client.SendAsync("DelayTopic", Encoding.UTF8.GetBytes("third"), BrokerTestClient.Properties(("DELAY", "1")));
            List<DecodedMessage> delivered = await DeliveryProbe.WaitForAsync(client, "DelayTopic", 0, 3);
            // Give level 1 the chance to misbehave: a third level-1 message arrives after its predecessors.
            using RemotingCommand fourth = await client.SendAsync("DelayTopic", Encoding.UTF8.GetBytes("fourth"), BrokerTestClient.Properties(("DELAY", "1")));
            delivered = await DeliveryProbe.WaitForAsync(client, "DelayTopic", 0, 4);
            Assert.That(delivered.Select(m => Encoding.UTF8.GetString(m.Body)), Is.EquivalentTo(new[] { "first", "pending", "third", "fourth" }));
        }
    }
}
