using System.Globalization;
using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers.Schedule;

/// <summary>RocketMQ 5 timer messages (TIMER_DELIVER_MS / TIMER_DELAY_SEC / TIMER_DELAY_MS) on an Mq broker.</summary>
[Category("Integration")]
public sealed class TimerMessageTests
{
    private static long Property(DecodedMessage message, string key) => long.Parse(message.Properties[key], CultureInfo.InvariantCulture);

    [Test]
    public async Task Timer_messages_wait_in_the_timer_queue_and_reach_their_topic_when_due_in_time_order()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // Sent latest-first, so queue order and delivery order differ.
        using RemotingCommand later = await client.SendAsync("TimerTopic", Encoding.UTF8.GetBytes("later"),
            BrokerTestClient.Properties(("TIMER_DELIVER_MS", (now + 3500).ToString(CultureInfo.InvariantCulture)), ("KEYS", "k-later")));
        using RemotingCommand sooner = await client.SendAsync("TimerTopic", Encoding.UTF8.GetBytes("sooner"),
            BrokerTestClient.Properties(("TIMER_DELAY_SEC", "1"), ("KEYS", "k-sooner")));
        using RemotingCommand now1 = await client.SendAsync("TimerTopic", Encoding.UTF8.GetBytes("now"), BrokerTestClient.Properties(("TIMER_DELAY_MS", "-5")));
        Assert.That(new[] { later.Code, sooner.Code, now1.Code }, Is.All.EqualTo(ResponseCode.Success));

        List<DecodedMessage> parked = await DeliveryProbe.WaitForAsync(client, "rmq_sys_wheel_timer", 0, 2);
        List<DecodedMessage> delivered = await DeliveryProbe.WaitForAsync(client, "TimerTopic", 0, 3);

        DecodedMessage immediate = delivered.Single(m => Encoding.UTF8.GetString(m.Body) == "now");
        DecodedMessage first = delivered.Single(m => Encoding.UTF8.GetString(m.Body) == "sooner");
        DecodedMessage second = delivered.Single(m => Encoding.UTF8.GetString(m.Body) == "later");
        Assert.Multiple(() =>
        {
            Assert.That(parked.Select(m => Encoding.UTF8.GetString(m.Body)), Is.EqualTo(new[] { "later", "sooner" }), "an already due message is not parked");
            Assert.That(parked.Select(m => m.Properties["REAL_TOPIC"]), Is.All.EqualTo("TimerTopic"));
            Assert.That(immediate.Properties, Does.Not.ContainKey("TIMER_OUT_MS"));
            foreach (DecodedMessage m in new[] { first, second })
            {
                Assert.That(Property(m, "TIMER_DEQUEUE_MS"), Is.GreaterThanOrEqualTo(Property(m, "TIMER_OUT_MS")), "never delivered before its time");
                Assert.That(m.Properties, Does.Not.ContainKey("REAL_TOPIC"));
                Assert.That(m.Properties, Does.Not.ContainKey("REAL_QID"));
                Assert.That(m.Properties, Does.ContainKey("TIMER_ENQUEUE_MS"));
            }
            Assert.That(Property(second, "TIMER_OUT_MS"), Is.EqualTo((now + 3500) / 1000 * 1000), "rounded down to the 1 s precision, as 5.x");
            Assert.That(second.Properties["KEYS"], Is.EqualTo("k-later"));
            Assert.That(Property(first, "TIMER_DEQUEUE_MS"), Is.LessThanOrEqualTo(Property(second, "TIMER_DEQUEUE_MS")), "delivered in time order, not queue order");
            Assert.That(broker.Timers.PendingCount, Is.Zero);
        });
    }

    [Test]
    public async Task A_clean_restart_delivers_the_pending_message_and_not_again_the_one_delivered_out_of_queue_order()
    {
        using var directory = new TempDirectory();
        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            // The long one first: it holds the lower queue offset while the short one behind it is delivered.
            using RemotingCommand pending = await client.SendAsync("TimerRestart", Encoding.UTF8.GetBytes("after restart"), BrokerTestClient.Properties(("TIMER_DELAY_SEC", "4")));
            using RemotingCommand early = await client.SendAsync("TimerRestart", Encoding.UTF8.GetBytes("before restart"), BrokerTestClient.Properties(("TIMER_DELAY_MS", "300")));
            await DeliveryProbe.WaitForAsync(client, "TimerRestart", 0, 1);
            Assert.That(broker.Timers.PendingCount, Is.EqualTo(1));
        }

        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            List<DecodedMessage> delivered = await DeliveryProbe.WaitForAsync(client, "TimerRestart", 0, 2);
            await Eventually.HoldsAsync(() => Task.FromResult(broker.Timers.PendingCount == 0));
            // Anything delivered twice would sit behind the two by now: the pass that delivered "after restart" is done.
            List<DecodedMessage> all = await DeliveryProbe.ReadAsync(client, "TimerRestart", 0);
            Assert.That(all.Select(m => Encoding.UTF8.GetString(m.Body)), Is.EqualTo(new[] { "before restart", "after restart" }));
            Assert.That(delivered, Has.Count.EqualTo(2));
        }
    }

    [Test]
    public async Task Delays_beyond_the_maximum_and_timers_on_a_broker_without_the_wheel_are_refused_and_store_nothing()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.TimerMaxDelaySec = 60);
        await using Mq.Brokers.Broker noWheel = await BrokerHarness.StartAsync(Path.Combine(directory.Path, "b"), o => o.TimerWheelEnable = false);
        await using var client = new BrokerTestClient(broker.Address);
        await using var noWheelClient = new BrokerTestClient(noWheel.Address);

        using RemotingCommand tooFar = await client.SendAsync("TimerRefused", [1], BrokerTestClient.Properties(("TIMER_DELAY_SEC", "61")));
        using RemotingCommand garbage = await client.SendAsync("TimerRefused", [1], BrokerTestClient.Properties(("TIMER_DELIVER_MS", "soon")));
        using RemotingCommand cancel = await client.SendAsync("TimerRefused", [1], BrokerTestClient.Properties(("TIMER_DELAY_MS", "-5"), ("TIMER_DEL_UNIQKEY", "TimerRefused+x")));
        using RemotingCommand off = await noWheelClient.SendAsync("TimerRefused", [1], BrokerTestClient.Properties(("TIMER_DELAY_SEC", "5")));

        Assert.Multiple(() =>
        {
            Assert.That(tooFar.Code, Is.EqualTo(ResponseCode.MessageIllegal));
            Assert.That(tooFar.Remark, Does.Contain("max delay 60000ms"));
            Assert.That(garbage.Code, Is.EqualTo(ResponseCode.MessageIllegal));
            Assert.That(cancel.Code, Is.EqualTo(ResponseCode.MessageIllegal), "a cancellation for a time already past");
            Assert.That(cancel.Remark, Does.Contain("already due"));
            Assert.That(off.Code, Is.EqualTo(ResponseCode.MessageIllegal));
            Assert.That(off.Remark, Does.Contain("timerWheelEnable"));
            Assert.That(broker.Store.GetMaxOffsetInQueue("rmq_sys_wheel_timer", 0), Is.Zero);
            Assert.That(broker.Store.GetMaxOffsetInQueue("TimerRefused", 0), Is.Zero);
        });
    }

    [Test]
    public async Task A_cancellation_for_the_same_time_drops_its_message_across_a_restart_and_is_not_delivered_itself()
    {
        using var directory = new TempDirectory();
        long at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 3000;
        static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture);
        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            var sent = new List<RemotingCommand>
            {
                await client.SendAsync("TimerCancel", Encoding.UTF8.GetBytes("doomed"), BrokerTestClient.Properties(("TIMER_DELIVER_MS", Ms(at)), ("UNIQ_KEY", "U-DOOMED"))),
                await client.SendAsync("TimerCancel", Encoding.UTF8.GetBytes("kept"), BrokerTestClient.Properties(("TIMER_DELIVER_MS", Ms(at)), ("UNIQ_KEY", "U-KEPT"))),
                // The right key for another time cancels nothing (5.x matches within one time slot).
                await client.SendAsync("TimerCancel", [0], BrokerTestClient.Properties(("TIMER_DELIVER_MS", Ms(at + 60_000)), ("TIMER_DEL_UNIQKEY", "TimerCancel+U-KEPT"))),
                await client.SendAsync("TimerCancel", [0], BrokerTestClient.Properties(("TIMER_DELIVER_MS", Ms(at)), ("TIMER_DEL_UNIQKEY", "TimerCancel+U-DOOMED"))),
                await client.SendAsync("TimerCancel", Encoding.UTF8.GetBytes("later"), BrokerTestClient.Properties(("TIMER_DELIVER_MS", Ms(at + 1500)), ("UNIQ_KEY", "U-LATER"))),
            };
            Assert.That(sent.Select(r => r.Code), Is.All.EqualTo(ResponseCode.Success));
            sent.ForEach(r => r.Dispose());
            await DeliveryProbe.WaitForAsync(client, "rmq_sys_wheel_timer", 0, 5);
        }

        // Restarted: the pending messages, the cancellation among them, are read back from the timer queue.
        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            await DeliveryProbe.WaitForAsync(client, "TimerCancel", 0, 2);
            // Only the cancellation for the later time is left once "later" is out: everything due before it was handled.
            await Eventually.HoldsAsync(() => Task.FromResult(broker.Timers.PendingCount == 1));
            await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
            List<DecodedMessage> delivered = await DeliveryProbe.ReadAsync(client, "TimerCancel", 0);
            Assert.That(delivered.Select(m => Encoding.UTF8.GetString(m.Body)), Is.EqualTo(new[] { "kept", "later" }));
        }
    }

    [Test]
    public async Task A_delay_level_wins_and_the_timer_properties_are_dropped()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MessageDelayLevel = "1s 2s");
        await using var client = new BrokerTestClient(broker.Address);

        using RemotingCommand sent = await client.SendAsync("TimerAndDelay", [1], BrokerTestClient.Properties(("DELAY", "1"), ("TIMER_DELAY_SEC", "3600")));

        Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        List<DecodedMessage> parked = await DeliveryProbe.WaitForAsync(client, "SCHEDULE_TOPIC_XXXX", 0, 1);
        Assert.That(parked, Has.Count.EqualTo(1));
        Assert.That(parked[0].Properties, Does.Not.ContainKey("TIMER_DELAY_SEC"));
        await DeliveryProbe.WaitForAsync(client, "TimerAndDelay", 0, 1);
    }

    [Test]
    public async Task The_dotnet_client_sets_a_delivery_time_the_broker_honours()
    {
        await using Mq.Testing.MqCluster cluster = await Mq.Testing.MqCluster.StartAsync();
        await cluster.CreateTopicAsync("TimerClient", 1);
        await using var producer = new Mq.Client.Producer(new Mq.Client.ProducerOptions { NameServerAddresses = [cluster.NameServerAddress], ProducerGroup = "PG_TIMER" });
        await producer.StartAsync();
        var message = new Mq.Client.Message("TimerClient", "timed"u8.ToArray()) { DeliverTime = DateTimeOffset.UtcNow.AddSeconds(1.5) };

        await producer.SendAsync(message);

        Mq.Brokers.Broker broker = cluster.Broker("broker-a").Node!;
        await using var client = new BrokerTestClient(broker.Address);
        DecodedMessage delivered = (await DeliveryProbe.WaitForAsync(client, "TimerClient", 0, 1)).Single();
        Assert.That(Property(delivered, "TIMER_DELIVER_MS"), Is.EqualTo(message.DeliverTime!.Value.ToUnixTimeMilliseconds()));
        Assert.That(Property(delivered, "TIMER_DEQUEUE_MS"), Is.GreaterThanOrEqualTo(Property(delivered, "TIMER_OUT_MS")));
    }
}
