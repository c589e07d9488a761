using System.Text;
using Microsoft.Extensions.Time.Testing;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.NameServers;

namespace Mq.Tests.NameServers.Tcp;

/// <summary>A NameServer node on 127.0.0.1:0 driven by broker-shaped clients over real sockets.</summary>
[Category("Integration")]
public sealed class NameServerTcpTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static NameServerOptions Loopback(string? kvPath = null) =>
        new() { ListenAddress = "127.0.0.1", ListenPort = 0, KvConfigPath = kvPath };

    [Test]
    public async Task Registered_broker_is_routed([Values] SerializeType serializeType, [Values] bool compressed)
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();

        RemotingReply registered = await broker.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA", "TopicB"), serializeType, compressed);
        RemotingReply route = await broker.RouteAsync(ns.Address, "TopicA", serializeType);

        Assert.Multiple(() =>
        {
            Assert.That(registered.Code, Is.EqualTo(ResponseCode.Success), registered.Remark);
            Assert.That(registered.SerializeType, Is.EqualTo(serializeType));
            Assert.That(route.Code, Is.EqualTo(ResponseCode.Success), route.Remark);
            Assert.That(route.SerializeType, Is.EqualTo(serializeType));
        });
        TopicRouteData data = TopicRouteData.Decode(route.Body);
        Assert.Multiple(() =>
        {
            Assert.That(data.QueueDatas, Has.Count.EqualTo(1));
            Assert.That(data.QueueDatas[0].BrokerName, Is.EqualTo("broker-a"));
            Assert.That(data.QueueDatas[0].ReadQueueNums, Is.EqualTo(8));
            Assert.That(data.BrokerDatas.Single().BrokerAddrs[0], Is.EqualTo("127.0.0.1:10911"));
            Assert.That(Encoding.UTF8.GetString(route.Body), Does.Contain("\"brokerAddrs\":{\"0\":\"127.0.0.1:10911\"}"));
            Assert.That(ns.Routes.LiveBrokerCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unknown_topic_is_TOPIC_NOT_EXIST()
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();

        RemotingReply route = await broker.RouteAsync(ns.Address, "Nowhere");

        Assert.That(route.Code, Is.EqualTo(ResponseCode.TopicNotExist));
        Assert.That(route.Remark, Does.StartWith("No topic route info in name server for the topic: Nowhere"));
    }

    [Test]
    public async Task Slave_learns_its_master_and_both_addresses_are_routed()
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var master = new TestBroker(brokerAddr: "127.0.0.1:10911", brokerId: 0);
        await using var slave = new TestBroker(brokerAddr: "127.0.0.2:10911", brokerId: 1);
        var topics = TestBroker.Topics(new DataVersion(1, 1), "TopicA");

        await master.RegisterAsync(ns.Address, topics);
        RemotingReply slaveReply = await slave.RegisterAsync(ns.Address, topics);
        TopicRouteData route = TopicRouteData.Decode((await master.RouteAsync(ns.Address, "TopicA")).Body);

        Assert.Multiple(() =>
        {
            Assert.That(slaveReply.Field("masterAddr"), Is.EqualTo("127.0.0.1:10911"));
            Assert.That(slaveReply.Field("haServerAddr"), Is.EqualTo("127.0.0.1:10912"));
            Assert.That(route.BrokerDatas.Single().BrokerAddrs, Has.Count.EqualTo(2));
            Assert.That(route.BrokerDatas.Single().BrokerAddrs[1], Is.EqualTo("127.0.0.2:10911"));
        });
    }

    [Test]
    public async Task Two_name_servers_stay_independent()
    {
        await using NameServer ns1 = await NameServer.StartAsync(Loopback());
        await using NameServer ns2 = await NameServer.StartAsync(Loopback());
        await using var brokerA = new TestBroker("broker-a", "127.0.0.1:10911");
        await using var brokerB = new TestBroker("broker-b", "127.0.0.1:20911");

        await brokerA.RegisterAsync(ns1.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        await brokerB.RegisterAsync(ns2.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicB"));
        await brokerA.SendAsync(ns1.Address, RequestCode.PutKVConfig, new Dictionary<string, string> { ["namespace"] = "ns", ["key"] = "k", ["value"] = "v1" });

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ns1.Address, Is.Not.EqualTo(ns2.Address));
            Assert.That((await brokerA.RouteAsync(ns1.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.Success));
            Assert.That((await brokerA.RouteAsync(ns2.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
            Assert.That((await brokerA.RouteAsync(ns2.Address, "TopicB")).Code, Is.EqualTo(ResponseCode.Success));
            Assert.That((await brokerA.RouteAsync(ns1.Address, "TopicB")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
            Assert.That(ns2.KvConfig.Get("ns", "k"), Is.Null);
            Assert.That(ns1.KvConfig.Get("ns", "k"), Is.EqualTo("v1"));
        });
    }

    [Test]
    public async Task Restarted_name_server_learns_routes_again_and_keeps_kv_config()
    {
        using var dir = new TempDirectory();
        string kvPath = dir.Combine("namesrv", "kvConfig.json");
        await using var broker = new TestBroker();
        var topics = TestBroker.Topics(new DataVersion(1, 1), "TopicA");

        NameServer first = await NameServer.StartAsync(Loopback(kvPath));
        await broker.RegisterAsync(first.Address, topics);
        RemotingReply put = await broker.SendAsync(first.Address, RequestCode.PutKVConfig,
            new Dictionary<string, string> { ["namespace"] = KvConfigStore.OrderTopicConfigNamespace, ["key"] = "TopicA", ["value"] = "broker-a:8" });
        Assert.That(put.Code, Is.EqualTo(ResponseCode.Success), put.Remark);
        await first.DisposeAsync();

        await using NameServer second = await NameServer.StartAsync(Loopback(kvPath));
        RemotingReply before = await broker.RouteAsync(second.Address, "TopicA");
        // Same data version as before: to the new node it is a first registration, so topics are taken.
        RemotingReply registered = await broker.RegisterAsync(second.Address, topics);
        RemotingReply after = await broker.RouteAsync(second.Address, "TopicA");
        RemotingReply kv = await broker.SendAsync(second.Address, RequestCode.GetKVConfig,
            new Dictionary<string, string> { ["namespace"] = KvConfigStore.OrderTopicConfigNamespace, ["key"] = "TopicA" });

        Assert.Multiple(() =>
        {
            Assert.That(before.Code, Is.EqualTo(ResponseCode.TopicNotExist));
            Assert.That(after.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(kv.Field("value"), Is.EqualTo("broker-a:8"));
            // The register reply carries the ORDER_TOPIC_CONFIG table, as Java does.
            Assert.That(KVTable.Decode(registered.Body).Table["TopicA"], Is.EqualTo("broker-a:8"));
        });
    }

    [Test]
    public async Task Malformed_registrations_are_refused_and_change_nothing()
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();
        var topics = TestBroker.Topics(new DataVersion(1, 1), "TopicA");
        var random = new Random(4);
        byte[] garbage = new byte[200];
        random.NextBytes(garbage);
        long version = ns.Routes.Version;

        RemotingReply badJson = await broker.RegisterAsync(ns.Address, topics, rawBody: "{\"topicConfigSerializeWrapper\":{\"topicConfigTable\":"u8.ToArray());
        RemotingReply badZlib = await broker.RegisterAsync(ns.Address, topics, compressed: true, rawBody: garbage);
        RemotingReply badCrc = await broker.RegisterAsync(ns.Address, topics, bodyCrc32: 12345);
        RemotingReply missingField = await broker.SendAsync(ns.Address, RequestCode.RegisterBroker,
            new Dictionary<string, string> { ["brokerName"] = "broker-a", ["clusterName"] = "c", ["haServerAddr"] = "x", ["brokerId"] = "0" });
        RemotingReply badNumber = await broker.SendAsync(ns.Address, RequestCode.RegisterBroker,
            new Dictionary<string, string> { ["brokerName"] = "broker-a", ["brokerAddr"] = "a:1", ["clusterName"] = "c", ["haServerAddr"] = "x", ["brokerId"] = "zero" });

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(badJson.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(badJson.Remark, Does.Contain("RegisterBrokerBody"));
            Assert.That(badZlib.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(badCrc.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(badCrc.Remark, Is.EqualTo("crc32 not match"));
            Assert.That(missingField.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(missingField.Remark, Does.Contain("brokerAddr"));
            Assert.That(badNumber.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(ns.Routes.Version, Is.EqualTo(version), "registry untouched");
            Assert.That(ns.Routes.LiveBrokerCount, Is.Zero);
            Assert.That((await broker.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
        });

        // The connection survives bad requests: a good registration on it works.
        Assert.That((await broker.RegisterAsync(ns.Address, topics)).Code, Is.EqualTo(ResponseCode.Success));
        Assert.That((await broker.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.Success));
    }

    [Test]
    public async Task Closing_the_registering_connection_removes_the_broker_at_once()
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();
        await using var client = new TestBroker("client", "127.0.0.1:1");
        await broker.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        Assert.That((await client.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.Success));

        await broker.CloseConnectionAsync(ns.Address);

        await WaitUntil(() => ns.Routes.LiveBrokerCount == 0, "the broker is removed");
        Assert.That((await client.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
    }

    [Test]
    public async Task Expired_broker_is_removed_and_its_connection_closed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        NameServerOptions options = Loopback();
        options.BrokerExpiry = TimeSpan.FromSeconds(30);
        options.ScanInterval = TimeSpan.FromSeconds(10);
        await using NameServer ns = await NameServer.StartAsync(options, timeProvider: time);
        await using var stale = new TestBroker("broker-a", "127.0.0.1:10911");
        await using var fresh = new TestBroker("broker-b", "127.0.0.1:20911");
        await stale.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        await fresh.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicB"));

        time.Advance(TimeSpan.FromSeconds(20));
        await fresh.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicB"));
        time.Advance(TimeSpan.FromSeconds(20)); // stale: 40 s > 30 s; fresh: 20 s

        await WaitUntil(() => ns.Routes.LiveBrokerCount == 1, "the stale broker expires");
        await WaitUntil(() => !stale.IsConnected(ns.Address), "the stale broker's connection is closed");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await fresh.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
            Assert.That((await fresh.RouteAsync(ns.Address, "TopicB")).Code, Is.EqualTo(ResponseCode.Success));
        });
    }

    [Test]
    public async Task Unknown_request_code_is_REQUEST_CODE_NOT_SUPPORTED()
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();

        RemotingReply reply = await broker.SendAsync(ns.Address, RequestCode.SendMessageV2);

        Assert.That(reply.Code, Is.EqualTo(ResponseCode.RequestCodeNotSupported));
    }

    [Test]
    public async Task Kv_commands_round_trip([Values] SerializeType serializeType)
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var tool = new TestBroker();
        Dictionary<string, string> Key(string key, string? value = null)
        {
            var fields = new Dictionary<string, string> { ["namespace"] = "NS", ["key"] = key };
            if (value is not null)
            {
                fields["value"] = value;
            }
            return fields;
        }

        RemotingReply put1 = await tool.SendAsync(ns.Address, RequestCode.PutKVConfig, Key("k1", "v1"), serializeType: serializeType);
        RemotingReply put2 = await tool.SendAsync(ns.Address, RequestCode.PutKVConfig, Key("k2", "v2"), serializeType: serializeType);
        RemotingReply get = await tool.SendAsync(ns.Address, RequestCode.GetKVConfig, Key("k1"), serializeType: serializeType);
        RemotingReply list = await tool.SendAsync(ns.Address, RequestCode.GetKVListByNamespace, new Dictionary<string, string> { ["namespace"] = "NS" }, serializeType: serializeType);
        RemotingReply delete = await tool.SendAsync(ns.Address, RequestCode.DeleteKVConfig, Key("k1"), serializeType: serializeType);
        RemotingReply gone = await tool.SendAsync(ns.Address, RequestCode.GetKVConfig, Key("k1"), serializeType: serializeType);
        RemotingReply unknownNs = await tool.SendAsync(ns.Address, RequestCode.GetKVListByNamespace, new Dictionary<string, string> { ["namespace"] = "none" });

        Assert.Multiple(() =>
        {
            Assert.That(put1.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(put2.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(get.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(get.Field("value"), Is.EqualTo("v1"));
            Assert.That(KVTable.Decode(list.Body).Table, Is.EquivalentTo(new Dictionary<string, string> { ["k1"] = "v1", ["k2"] = "v2" }));
            Assert.That(delete.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(gone.Code, Is.EqualTo(ResponseCode.QueryNotFound));
            Assert.That(unknownNs.Code, Is.EqualTo(ResponseCode.QueryNotFound));
        });
    }

    [Test]
    public async Task Cluster_topic_list_delete_and_write_permission_commands()
    {
        await using NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();
        await broker.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA", "TopicB"));

        RemotingReply cluster = await broker.SendAsync(ns.Address, RequestCode.GetBrokerClusterInfo);
        RemotingReply all = await broker.SendAsync(ns.Address, RequestCode.GetAllTopicListFromNameserver);
        RemotingReply byCluster = await broker.SendAsync(ns.Address, RequestCode.GetTopicsByCluster, new Dictionary<string, string> { ["cluster"] = "DefaultCluster" });
        RemotingReply wipe = await broker.SendAsync(ns.Address, RequestCode.WipeWritePermOfBroker, new Dictionary<string, string> { ["brokerName"] = "broker-a" });
        int wipedPerm = TopicRouteData.Decode((await broker.RouteAsync(ns.Address, "TopicA")).Body).QueueDatas[0].Perm;
        RemotingReply add = await broker.SendAsync(ns.Address, RequestCode.AddWritePermOfBroker, new Dictionary<string, string> { ["brokerName"] = "broker-a" });
        RemotingReply delete = await broker.SendAsync(ns.Address, RequestCode.DeleteTopicInNamesrv, new Dictionary<string, string> { ["topic"] = "TopicB" });
        RemotingReply deletedRoute = await broker.RouteAsync(ns.Address, "TopicB");
        RemotingReply query = await broker.SendAsync(ns.Address, RequestCode.QueryDataVersion,
            new Dictionary<string, string> { ["brokerName"] = "broker-a", ["brokerAddr"] = "127.0.0.1:10911", ["clusterName"] = "DefaultCluster", ["brokerId"] = "0" },
            new DataVersion(1, 1).Encode());

        Assert.Multiple(() =>
        {
            Assert.That(ClusterInfo.Decode(cluster.Body).ClusterAddrTable["DefaultCluster"], Is.EquivalentTo(new[] { "broker-a" }));
            Assert.That(TopicList.Decode(all.Body).Topics, Is.EquivalentTo(new[] { "TopicA", "TopicB" }));
            Assert.That(TopicList.Decode(byCluster.Body).Topics, Is.EquivalentTo(new[] { "TopicA", "TopicB" }));
            Assert.That(wipe.Field("wipeTopicCount"), Is.EqualTo("2"));
            Assert.That(wipedPerm & 2, Is.Zero, "write permission wiped");
            Assert.That(add.Field("addTopicCount"), Is.EqualTo("2"));
            Assert.That(delete.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(deletedRoute.Code, Is.EqualTo(ResponseCode.TopicNotExist));
            Assert.That(query.Field("changed"), Is.EqualTo("false"));
            Assert.That(DataVersion.Decode(query.Body), Is.EqualTo(new DataVersion(1, 1)));
        });
    }

    [Test]
    public async Task Unregister_removes_the_broker_and_several_nodes_stop_cleanly()
    {
        NameServer ns = await NameServer.StartAsync(Loopback());
        await using var broker = new TestBroker();
        await broker.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));

        RemotingReply unregister = await broker.UnregisterAsync(ns.Address);

        Assert.That(unregister.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That((await broker.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
        Task stop1 = ns.StopAsync();
        Task stop2 = ns.StopAsync();
        await Task.WhenAll(stop1, stop2).WaitAsync(Patience);
        await ns.DisposeAsync();
        await WaitUntil(() => !broker.IsConnected(ns.Address), "the stopped node closes connections");
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting until " + what);
            }
            await Task.Delay(10);
        }
    }
}
