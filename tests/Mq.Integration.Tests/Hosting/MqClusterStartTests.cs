using Mq.NameServers;
using Mq.Protocol.Body;
using Mq.Testing;

namespace Mq.Tests.Hosting;

/// <summary>
/// <see cref="MqCluster"/> start-up: without <see cref="MqClusterOptions.ConfigureBroker"/> the NameServers and the masters
/// start at once, with it the masters wait for the NameServers; either way every node is registered on return.
/// </summary>
[Category("Integration")]
public sealed class MqClusterStartTests
{
    [Test]
    public async Task Masters_started_with_the_name_servers_are_registered_on_return_and_keep_their_addresses_for_restarts()
    {
        await using MqCluster cluster = await MqCluster.StartAsync(o =>
        {
            o.NameServers = 2;
            o.BrokerGroups = 2;
        });
        string[] addresses = [.. cluster.NameServers.Select(n => n.Address)];
        Assert.That(cluster.NameServerAddress, Is.EqualTo(string.Join(';', addresses)));
        foreach (MqClusterBroker broker in cluster.Brokers)
        {
            Assert.That(broker.Options.NamesrvAddr, Is.EqualTo(addresses), broker.Name);
            Assert.That(broker.Node!.Options.NamesrvAddr, Is.EqualTo(addresses), broker.Name);
        }
        AssertRouted(cluster, "broker-a", "broker-b");

        await cluster.StopBrokerAsync("broker-a");
        await cluster.RestartBrokerAsync("broker-a");
        AssertRouted(cluster, "broker-a", "broker-b");
    }

    [Test]
    public async Task ConfigureBroker_sees_the_name_server_addresses_and_has_the_last_word()
    {
        var seen = new List<string>();
        await using MqCluster cluster = await MqCluster.StartAsync(o => o.ConfigureBroker = b =>
        {
            seen.AddRange(b.NamesrvAddr);
            b.DefaultTopicQueueNums = 2;
        });
        Assert.That(seen, Is.EqualTo(new[] { cluster.NameServerAddress }));
        Assert.That(cluster.Brokers[0].Node!.Options.DefaultTopicQueueNums, Is.EqualTo(2));
        AssertRouted(cluster, "broker-a");
    }

    [Test]
    public async Task Slaves_start_after_masters_that_started_with_the_name_servers()
    {
        await using MqCluster cluster = await MqCluster.StartAsync(o => o.SlavesPerGroup = 1);
        MqClusterBroker slave = cluster.Slave("broker-a");
        Assert.That(slave.Options.NamesrvAddr, Is.EqualTo(new[] { cluster.NameServerAddress }));
        TopicRouteData route = cluster.NameServers[0].Routes.FindRoute("TBW102")!;
        Assert.That(route.BrokerDatas.Single().BrokerAddrs, Does.ContainKey(1L).WithValue(slave.Address));
    }

    /// <summary>Registration completes before a start returns, so no waiting here.</summary>
    private static void AssertRouted(MqCluster cluster, params string[] brokerNames)
    {
        foreach (NameServer nameServer in cluster.NameServers)
        {
            TopicRouteData? route = nameServer.Routes.FindRoute("TBW102");
            Assert.That(route, Is.Not.Null, nameServer.Address);
            Assert.That(route!.QueueDatas.Select(q => q.BrokerName), Is.EquivalentTo(brokerNames), nameServer.Address);
        }
    }
}
