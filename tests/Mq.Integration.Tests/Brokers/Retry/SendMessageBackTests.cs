using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.TestKit;
using Mq.TestKit.Brokers;
using Mq.Tests.Brokers.Schedule;

namespace Mq.Tests.Brokers.Retry;

[Category("Integration")]
public sealed class SendMessageBackTests
{
    private static ConsumerSendMsgBackRequestHeader Back(long offset, string group = "G", int delayLevel = 0, int? maxReconsumeTimes = null) => new()
    {
        Offset = offset,
        Group = group,
        DelayLevel = delayLevel,
        OriginTopic = "OrderTopic",
        UnitMode = false,
        MaxReconsumeTimes = maxReconsumeTimes,
    };

    [Test]
    public async Task Failed_message_goes_to_the_retry_topic_after_its_delay_then_to_the_dlq_after_max()
    {
        using var directory = new TempDirectory();
        // Level 3 (3 + reconsumeTimes 0) is 1 s; the others are long so a wrong level would time out.
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MessageDelayLevel = "1h 1h 1s 1h");
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("OrderTopic", Encoding.UTF8.GetBytes("payload"),
            BrokerTestClient.Properties(("TAGS", "t"), ("KEYS", "k"), ("UNIQ_KEY", "U1")));
        long offset = DeliveryProbe.CommitLogOffset(sent);
        string originalId = sent.ExtFields.GetRequiredString("msgId"u8);

        using RemotingCommand back = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(offset));
        Assert.That(back.Code, Is.EqualTo(ResponseCode.Success), back.Remark);
        List<DecodedMessage> parked = await DeliveryProbe.WaitForAsync(client, "SCHEDULE_TOPIC_XXXX", 2, 1);
        Assert.That(parked, Has.Count.EqualTo(1), "parked at delay level 3");

        DecodedMessage retry = (await DeliveryProbe.WaitForAsync(client, "%RETRY%G", 0, 1)).Single();
        Assert.That(Encoding.UTF8.GetString(retry.Body), Is.EqualTo("payload"));
        Assert.That(retry.ReconsumeTimes, Is.EqualTo(1));
        Assert.That(retry.Properties["RETRY_TOPIC"], Is.EqualTo("OrderTopic"));
        Assert.That(retry.Properties["ORIGIN_MESSAGE_ID"], Is.EqualTo(originalId));
        Assert.That(retry.Properties["UNIQ_KEY"], Is.EqualTo("U1"));
        Assert.That(retry.Properties["KEYS"], Is.EqualTo("k"));
        Assert.That(retry.Properties, Does.Not.ContainKey("DELAY"));
        Assert.That(broker.Topics.Find("%RETRY%G"), Is.Not.Null);

        // The consumer fails again with maxReconsumeTimes 1: the retried message (reconsumed once) is dead.
        using RemotingCommand dead = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(retry.CommitLogOffset, maxReconsumeTimes: 1));
        Assert.That(dead.Code, Is.EqualTo(ResponseCode.Success), dead.Remark);
        DecodedMessage dlq = (await DeliveryProbe.WaitForAsync(client, "%DLQ%G", 0, 1)).Single();
        Assert.That(dlq.ReconsumeTimes, Is.EqualTo(2));
        Assert.That(dlq.Properties["ORIGIN_MESSAGE_ID"], Is.EqualTo(originalId), "the first origin is kept");
        Assert.That(dlq.Properties["RETRY_TOPIC"], Is.EqualTo("OrderTopic"));
        Assert.That(broker.Topics.Find("%DLQ%G")!.Perm, Is.EqualTo(6));
        Assert.That(broker.Topics.Find("%DLQ%G")!.WriteQueueNums, Is.EqualTo(1));
    }

    [Test]
    public async Task Group_retry_max_times_applies_and_a_negative_level_is_a_dead_letter()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("OrderTopic", [1], reconsumeTimes: 16);
        using RemotingCommand atMax = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(DeliveryProbe.CommitLogOffset(sent)));
        Assert.That(atMax.Code, Is.EqualTo(ResponseCode.Success));
        await DeliveryProbe.WaitForAsync(client, "%DLQ%G", 0, 1);

        using RemotingCommand fresh = await client.SendAsync("OrderTopic", [2]);
        using RemotingCommand negative = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(DeliveryProbe.CommitLogOffset(fresh), delayLevel: -1));
        Assert.That(negative.Code, Is.EqualTo(ResponseCode.Success));
        List<DecodedMessage> dead = await DeliveryProbe.WaitForAsync(client, "%DLQ%G", 0, 2);
        Assert.That(dead[1].Body, Is.EqualTo(new byte[] { 2 }));
        Assert.That(await DeliveryProbe.ReadAsync(client, "SCHEDULE_TOPIC_XXXX", 2), Is.Empty, "dead letters are not delayed");
    }

    [Test]
    public async Task Explicit_delay_level_is_honoured()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MessageDelayLevel = "1h 1s");
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("OrderTopic", [1]);
        using RemotingCommand back = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(DeliveryProbe.CommitLogOffset(sent), delayLevel: 2));
        Assert.That(back.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(await DeliveryProbe.WaitForAsync(client, "SCHEDULE_TOPIC_XXXX", 1, 1), Has.Count.EqualTo(1));
        await DeliveryProbe.WaitForAsync(client, "%RETRY%G", 0, 1);
    }

    [Test]
    public async Task Errors_carry_rocketmq_codes()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.AutoCreateSubscriptionGroup = false);
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("OrderTopic", [1]);
        using RemotingCommand unknownGroup = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(DeliveryProbe.CommitLogOffset(sent), group: "Nobody"));
        Assert.That(unknownGroup.Code, Is.EqualTo(ResponseCode.SubscriptionGroupNotExist));

        broker.Groups.Update(new Mq.Protocol.Body.SubscriptionGroupConfig { GroupName = "G" });
        using RemotingCommand missing = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, Back(broker.Store.CommitLogMaxOffset + 1000));
        Assert.That(missing.Code, Is.EqualTo(ResponseCode.SystemError));
        Assert.That(missing.Remark, Does.StartWith("look message by offset failed"));

        using RemotingCommand garbage = await client.InvokeAsync(RequestCode.ConsumerSendMsgBack, [new("group", "G")]);
        Assert.That(garbage.Code, Is.Not.EqualTo(ResponseCode.Success));
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        using RemotingCommand stillThere = await client.PullAsync("G", "OrderTopic", 0, 0);
        Assert.That(stillThere.Code, Is.EqualTo(ResponseCode.Success), "nothing stored was lost");
    }
}
