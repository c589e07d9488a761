using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers.Locks;

[Category("Integration")]
public sealed class QueueLockTests
{
    private static readonly MessageQueue Q0 = new("OrderTopic", "broker-a", 0);
    private static readonly MessageQueue Q1 = new("OrderTopic", "broker-a", 1);

    private static async Task<List<MessageQueue>> LockAsync(BrokerTestClient client, params MessageQueue[] queues)
    {
        var body = new LockBatchRequestBody { ConsumerGroup = "OG", ClientId = client.ClientId, MqSet = [.. queues] };
        using RemotingCommand response = await client.InvokeAsync(RequestCode.LockBatchMq, body: body.Encode());
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        return LockBatchResponseBody.Decode(response.Body.Span).LockOkMqSet;
    }

    [Test]
    public async Task Queues_are_locked_by_one_client_until_it_unlocks_them()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var a = new BrokerTestClient(broker.Address, "10.0.0.1@a");
        await using var b = new BrokerTestClient(broker.Address, "10.0.0.2@b");

        Assert.That(await LockAsync(a, Q0, Q1), Is.EquivalentTo(new[] { Q0, Q1 }));
        Assert.That(await LockAsync(b, Q0, Q1), Is.Empty);
        Assert.That(await LockAsync(a, Q0), Is.EquivalentTo(new[] { Q0 }), "the holder renews");

        // b cannot unlock a's queue.
        var foreign = new UnlockBatchRequestBody { ConsumerGroup = "OG", ClientId = b.ClientId, MqSet = [Q0] };
        using (RemotingCommand response = await b.InvokeAsync(RequestCode.UnlockBatchMq, body: foreign.Encode()))
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        }
        Assert.That(await LockAsync(b, Q0), Is.Empty);

        var unlock = new UnlockBatchRequestBody { ConsumerGroup = "OG", ClientId = a.ClientId, MqSet = [Q0] };
        using (RemotingCommand response = await a.InvokeAsync(RequestCode.UnlockBatchMq, body: unlock.Encode()))
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        }
        Assert.That(await LockAsync(b, Q0, Q1), Is.EquivalentTo(new[] { Q0 }));
    }

    [Test]
    public async Task Lock_expires_after_the_configured_live_time()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.RebalanceLockMaxLiveTime = TimeSpan.FromMilliseconds(300));
        await using var a = new BrokerTestClient(broker.Address, "10.0.0.1@a");
        await using var b = new BrokerTestClient(broker.Address, "10.0.0.2@b");
        Assert.That(await LockAsync(a, Q0), Is.EquivalentTo(new[] { Q0 }));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<MessageQueue> taken;
        do
        {
            taken = await LockAsync(b, Q0);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the lock never expired");
        }
        while (taken.Count == 0);
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "not taken before expiry");
        Assert.That(await LockAsync(a, Q0), Is.Empty, "the old holder lost it");
    }

    [Test]
    public async Task Garbage_lock_body_gets_an_error_and_the_broker_keeps_serving()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var a = new BrokerTestClient(broker.Address, "10.0.0.1@a");
        using (RemotingCommand response = await a.InvokeAsync(RequestCode.LockBatchMq, body: "{not json"u8.ToArray()))
        {
            Assert.That(response.Code, Is.Not.EqualTo(ResponseCode.Success));
        }
        Assert.That(await LockAsync(a, Q0), Is.EquivalentTo(new[] { Q0 }));
    }
}
