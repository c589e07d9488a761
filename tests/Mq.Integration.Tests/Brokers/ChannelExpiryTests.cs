using Microsoft.Extensions.Time.Testing;
using Mq.Brokers;
using Mq.Protocol;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

[Category("Integration")]
public sealed class ChannelExpiryTests
{
    [Test]
    public async Task Channels_without_heartbeat_for_120_s_are_dropped_and_closed()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using Broker broker = await Broker.StartAsync(BrokerHarness.Options(directory.Path), null, time);
        await using var stale = new BrokerTestClient(broker.Address, "10.0.0.1@stale");
        await using var fresh = new BrokerTestClient(broker.Address, "10.0.0.2@fresh");
        using (RemotingCommand hb = await stale.HeartbeatAsync("EG", [("T", "*")]))
        {
            Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
        }
        time.Advance(TimeSpan.FromSeconds(100));
        using (RemotingCommand hb = await fresh.HeartbeatAsync("EG", [("T", "*")]))
        {
            Assert.That(hb.Code, Is.EqualTo(ResponseCode.Success));
        }
        time.Advance(TimeSpan.FromSeconds(30)); // stale: 130 s idle; fresh: 30 s
        await SendPullTests.WaitUntil(() => broker.Consumers.Find("EG")?.ClientIds().Count == 1);
        Assert.That(broker.Consumers.Find("EG")!.ClientIds(), Is.EqualTo(new[] { "10.0.0.2@fresh" }));
    }
}
