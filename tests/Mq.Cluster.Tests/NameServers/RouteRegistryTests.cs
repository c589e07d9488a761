using System.Text;
using Microsoft.Extensions.Time.Testing;
using Mq.NameServers;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.Tests.NameServers;

public sealed class RouteRegistryTests
{
    private const string Cluster = "DefaultCluster";
    private FakeTimeProvider _time = null!;
    private RouteRegistry _registry = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _registry = new RouteRegistry(_time, TimeSpan.FromSeconds(120));
    }

    internal static BrokerRegistration Reg(string name, string addr, long id = 0, string ha = "", string cluster = Cluster) =>
        new() { Broker = new BrokerIdentity(cluster, name, addr, id), HaServerAddr = ha };

    internal static TopicConfigSerializeWrapper Topics(long counter, params (string Topic, int Queues)[] topics)
    {
        var w = new TopicConfigSerializeWrapper { DataVersion = new DataVersion(1700000000000 + counter, counter) };
        foreach ((string topic, int queues) in topics)
        {
            w.TopicConfigTable[topic] = new TopicConfig { TopicName = topic, ReadQueueNums = queues, WriteQueueNums = queues, Perm = 6 };
        }
        return w;
    }

    private string[] Expire() => _registry.ScanNotActiveBrokers().Select(b => b.BrokerAddr).ToArray();

    [Test]
    public void ExpiryHandsBackTheConnectionToClose()
    {
        object conn = new();
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 1)), null, conn);
        _time.Advance(TimeSpan.FromSeconds(121));
        Assert.That(_registry.ScanNotActiveBrokers(), Is.EqualTo(new[] { new RemovedBroker("a:1", conn) }));
        Assert.That(_registry.ConnectionClosed(conn), Is.Empty, "already gone");
    }

    [Test]
    public void RegisteredMasterIsRoutedWithTheShapeOfTheProtocolExample()
    {
        _registry.RegisterBroker(Reg("broker-a", "10.0.0.1:10911", 0, "10.0.0.1:10912"), Topics(1, ("TopicTest", 4)), [], connection: null);
        _registry.RegisterBroker(Reg("broker-a", "10.0.0.2:10911", 1, "10.0.0.2:10912"), Topics(1, ("TopicTest", 4)), [], connection: null);

        TopicRouteData? route = _registry.FindRoute("TopicTest");
        Assert.That(route, Is.Not.Null);
        Assert.That(Encoding.UTF8.GetString(route!.Encode(JsonKeyStyle.Unquoted)), Is.EqualTo(
            "{\"brokerDatas\":[{\"brokerAddrs\":{0:\"10.0.0.1:10911\",1:\"10.0.0.2:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSysFlag\":0,\"writeQueueNums\":4}]}"));
        Assert.That(_registry.FindRoute("Unknown"), Is.Null);
    }

    [Test]
    public void RoutesAreCopies()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 4)), null, null);
        TopicRouteData route = _registry.FindRoute("T")!;
        route.QueueDatas[0].Perm = 0;
        route.BrokerDatas[0].BrokerAddrs.Clear();
        TopicRouteData again = _registry.FindRoute("T")!;
        Assert.That(again.QueueDatas[0].Perm, Is.EqualTo(6));
        Assert.That(again.BrokerDatas[0].BrokerAddrs, Has.Count.EqualTo(1));
    }

    [Test]
    public void BrokersExpireAfterTheConfiguredTimeUnlessTheyReRegister()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T1", 4)), null, null);
        _registry.RegisterBroker(Reg("broker-b", "b:1"), Topics(1, ("T2", 4)), null, null);

        _time.Advance(TimeSpan.FromSeconds(100));
        _registry.RegisterBroker(Reg("broker-b", "b:1"), Topics(1, ("T2", 4)), null, null); // b refreshes
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.That(Expire(), Is.Empty, "exactly 120 s is not yet expired");

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(Expire(), Is.EqualTo(new[] { "a:1" }));
        Assert.That(_registry.FindRoute("T1"), Is.Null, "a's only topic disappears with it");
        Assert.That(_registry.FindRoute("T2"), Is.Not.Null);
        Assert.That(_registry.GetClusterInfo().BrokerAddrTable.Keys, Is.EquivalentTo(new[] { "broker-b" }));
        Assert.That(_registry.GetClusterInfo().ClusterAddrTable[Cluster], Is.EquivalentTo(new[] { "broker-b" }));

        _time.Advance(TimeSpan.FromSeconds(200));
        Assert.That(Expire(), Is.EqualTo(new[] { "b:1" }));
        Assert.That(_registry.GetClusterInfo().ClusterAddrTable, Is.Empty, "an empty cluster is removed");
        Assert.That(_registry.GetAllTopics().Topics, Is.Empty);
    }

    [Test]
    public void PerBrokerHeartbeatTimeoutOverridesTheDefault()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1") with { HeartbeatTimeout = TimeSpan.FromSeconds(30) }, Topics(1, ("T", 1)), null, null);
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(Expire(), Is.EqualTo(new[] { "a:1" }));
    }

    [Test]
    public void QueueDataChangesOnlyWhenTheDataVersionChanges()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 4)), null, null);

        // Same version, different content: a refresh only (Java trusts the version).
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 8), ("U", 2)), null, null);
        Assert.That(_registry.FindRoute("T")!.QueueDatas[0].WriteQueueNums, Is.EqualTo(4));
        Assert.That(_registry.FindRoute("U"), Is.Null);

        // New version: upserted. Topics missing from the body stay (4.9.8 does not remove them).
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(2, ("U", 2)), null, null);
        Assert.That(_registry.FindRoute("U")!.QueueDatas[0].WriteQueueNums, Is.EqualTo(2));
        Assert.That(_registry.FindRoute("T"), Is.Not.Null);

        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(3, ("T", 8)), null, null);
        Assert.That(_registry.FindRoute("T")!.QueueDatas[0].WriteQueueNums, Is.EqualTo(8));
    }

    [Test]
    public void FirstRegistrationAfterRemovalRestoresQueueDataEvenWithAnOldVersion()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(5, ("T", 4)), null, null);
        _registry.UnregisterBroker(new BrokerIdentity(Cluster, "broker-a", "a:1", 0));
        Assert.That(_registry.FindRoute("T"), Is.Null);
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(5, ("T", 4)), null, null);
        Assert.That(_registry.FindRoute("T"), Is.Not.Null);
    }

    [Test]
    public void SlavesLearnTheirMasterAndNeverWriteQueueData()
    {
        RegisterBrokerResult early = _registry.RegisterBroker(Reg("broker-a", "s:1", 1, "s:2"), Topics(1, ("T", 4)), null, null);
        Assert.That(early, Is.EqualTo(default(RegisterBrokerResult)), "no master registered yet");
        Assert.That(_registry.FindRoute("T"), Is.Null, "a slave's topics do not create routes");

        RegisterBrokerResult master = _registry.RegisterBroker(Reg("broker-a", "m:1", 0, "m:2"), Topics(1, ("T", 4)), null, null);
        Assert.That(master, Is.EqualTo(default(RegisterBrokerResult)));

        RegisterBrokerResult slave = _registry.RegisterBroker(Reg("broker-a", "s:1", 1, "s:2"), Topics(2, ("T", 16)), null, null);
        Assert.That(slave.MasterAddr, Is.EqualTo("m:1"));
        Assert.That(slave.HaServerAddr, Is.EqualTo("m:2"));

        TopicRouteData route = _registry.FindRoute("T")!;
        Assert.That(route.BrokerDatas[0].BrokerAddrs, Is.EquivalentTo(new Dictionary<long, string> { [0] = "m:1", [1] = "s:1" }));
        Assert.That(route.QueueDatas[0].WriteQueueNums, Is.EqualTo(4));
    }

    [Test]
    public void MasterLossKeepsQueueDataWhileASlaveRemains()
    {
        _registry.RegisterBroker(Reg("broker-a", "m:1", 0), Topics(1, ("T", 4)), null, null);
        _time.Advance(TimeSpan.FromSeconds(60));
        _registry.RegisterBroker(Reg("broker-a", "s:1", 1), Topics(1, ("T", 4)), null, null);
        _time.Advance(TimeSpan.FromSeconds(61));

        Assert.That(Expire(), Is.EqualTo(new[] { "m:1" }));
        TopicRouteData route = _registry.FindRoute("T")!;
        Assert.That(route.QueueDatas, Has.Count.EqualTo(1), "consumers keep reading from the slave");
        Assert.That(route.BrokerDatas[0].BrokerAddrs, Is.EquivalentTo(new Dictionary<long, string> { [1] = "s:1" }));
    }

    [Test]
    public void SlavePromotedToMasterMovesItsAddress()
    {
        _registry.RegisterBroker(Reg("broker-a", "m:1", 0), Topics(1, ("T", 4)), null, null);
        _registry.RegisterBroker(Reg("broker-a", "s:1", 1), Topics(1, ("T", 4)), null, null);
        _registry.UnregisterBroker(new BrokerIdentity(Cluster, "broker-a", "m:1", 0));
        _registry.RegisterBroker(Reg("broker-a", "s:1", 0), Topics(2, ("T", 4)), null, null);

        BrokerData data = _registry.FindRoute("T")!.BrokerDatas[0];
        Assert.That(data.BrokerAddrs, Is.EquivalentTo(new Dictionary<long, string> { [0] = "s:1" }));
    }

    [Test]
    public void ClosedConnectionRemovesItsBrokersAtOnce()
    {
        object connA = new();
        object connB = new();
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("Shared", 4), ("OnlyA", 4)), null, connA);
        _registry.RegisterBroker(Reg("broker-b", "b:1"), Topics(1, ("Shared", 4)), null, connB);

        Assert.That(_registry.ConnectionClosed(new object()), Is.Empty);
        Assert.That(_registry.ConnectionClosed(connA), Is.EqualTo(new[] { "a:1" }));

        Assert.That(_registry.FindRoute("OnlyA"), Is.Null);
        TopicRouteData shared = _registry.FindRoute("Shared")!;
        Assert.That(shared.QueueDatas.Select(q => q.BrokerName), Is.EqualTo(new[] { "broker-b" }));
        Assert.That(shared.BrokerDatas.Select(b => b.BrokerName), Is.EqualTo(new[] { "broker-b" }));
        Assert.That(_registry.LiveBrokerCount, Is.EqualTo(1));
    }

    [Test]
    public void ReRegistrationOverANewConnectionIsNotRemovedByTheOldOnesClose()
    {
        object oldConn = new();
        object newConn = new();
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 4)), null, oldConn);
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 4)), null, newConn);
        Assert.That(_registry.ConnectionClosed(oldConn), Is.Empty);
        Assert.That(_registry.FindRoute("T"), Is.Not.Null);
    }

    [Test]
    public void UnregisterRemovesOnlyThatIdAndTheNameWhenEmpty()
    {
        _registry.RegisterBroker(Reg("broker-a", "m:1", 0), Topics(1, ("T", 4)), null, null);
        _registry.RegisterBroker(Reg("broker-a", "s:1", 1), Topics(1, ("T", 4)), null, null);
        _registry.UnregisterBroker(new BrokerIdentity(Cluster, "broker-a", "s:1", 1));
        Assert.That(_registry.FindRoute("T")!.BrokerDatas[0].BrokerAddrs.Keys, Is.EqualTo(new[] { 0L }));
        _registry.UnregisterBroker(new BrokerIdentity(Cluster, "broker-a", "m:1", 0));
        Assert.That(_registry.FindRoute("T"), Is.Null);
        Assert.That(_registry.GetClusterInfo().ClusterAddrTable, Is.Empty);
        _registry.UnregisterBroker(new BrokerIdentity(Cluster, "nobody", "x:1", 0)); // harmless
    }

    [Test]
    public void DeleteTopicEverywhereOrPerCluster()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1", cluster: "C1"), Topics(1, ("T", 4), ("U", 4)), null, null);
        _registry.RegisterBroker(Reg("broker-b", "b:1", cluster: "C2"), Topics(1, ("T", 4)), null, null);

        Assert.That(_registry.DeleteTopic("T", "C1"), Is.True);
        Assert.That(_registry.FindRoute("T")!.QueueDatas.Select(q => q.BrokerName), Is.EqualTo(new[] { "broker-b" }));
        Assert.That(_registry.DeleteTopic("T", "Nope"), Is.False);

        Assert.That(_registry.DeleteTopic("U"), Is.True);
        Assert.That(_registry.FindRoute("U"), Is.Null);
        Assert.That(_registry.DeleteTopic("U"), Is.False);

        Assert.That(_registry.DeleteTopic("T", "C2"), Is.True);
        Assert.That(_registry.GetAllTopics().Topics, Is.Empty, "no queue data left: the topic is gone");

        // A changed registration brings a deleted topic back.
        _registry.RegisterBroker(Reg("broker-b", "b:1", cluster: "C2"), Topics(2, ("T", 4)), null, null);
        Assert.That(_registry.FindRoute("T"), Is.Not.Null);
    }

    [Test]
    public void TopicsByClusterAndAllTopics()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1", cluster: "C1"), Topics(1, ("T", 4), ("U", 4)), null, null);
        _registry.RegisterBroker(Reg("broker-b", "b:1", cluster: "C2"), Topics(1, ("T", 4), ("V", 4)), null, null);
        Assert.That(_registry.GetTopicsByCluster("C1").Topics, Is.EquivalentTo(new[] { "T", "U" }));
        Assert.That(_registry.GetTopicsByCluster("C2").Topics, Is.EquivalentTo(new[] { "T", "V" }));
        Assert.That(_registry.GetTopicsByCluster("C3").Topics, Is.Empty);
        Assert.That(_registry.GetAllTopics().Topics, Is.EquivalentTo(new[] { "T", "U", "V" }));
        ClusterInfo info = _registry.GetClusterInfo();
        Assert.That(info.ClusterAddrTable["C1"], Is.EquivalentTo(new[] { "broker-a" }));
        Assert.That(info.BrokerAddrTable["broker-b"].BrokerAddrs[0], Is.EqualTo("b:1"));
    }

    [Test]
    public void QueryDataVersionReportsChangesAndRefreshesWhenUnchanged()
    {
        TopicConfigSerializeWrapper topics = Topics(7, ("T", 4));
        _registry.RegisterBroker(Reg("broker-a", "a:1"), topics, null, null);

        Assert.That(_registry.QueryDataVersion("a:1", new DataVersion(1, 8), out DataVersion? stored), Is.True);
        Assert.That(stored, Is.EqualTo(topics.DataVersion));
        Assert.That(_registry.QueryDataVersion("unknown:1", topics.DataVersion, out stored), Is.True);
        Assert.That(stored, Is.Null);

        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.That(_registry.QueryDataVersion("a:1", topics.DataVersion, out _), Is.False);
        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.That(Expire(), Is.Empty, "the unchanged query refreshed the broker");
        _time.Advance(TimeSpan.FromSeconds(21));
        Assert.That(Expire(), Is.EqualTo(new[] { "a:1" }));
    }

    [Test]
    public void WipeAndAddWritePermission()
    {
        _registry.RegisterBroker(Reg("broker-a", "a:1"), Topics(1, ("T", 4), ("U", 4)), null, null);
        _registry.RegisterBroker(Reg("broker-b", "b:1"), Topics(1, ("T", 4)), null, null);

        Assert.That(_registry.WipeWritePermOfBroker("broker-a"), Is.EqualTo(2));
        TopicRouteData t = _registry.FindRoute("T")!;
        Assert.That(t.QueueDatas.Single(q => q.BrokerName == "broker-a").Perm, Is.EqualTo(4));
        Assert.That(t.QueueDatas.Single(q => q.BrokerName == "broker-b").Perm, Is.EqualTo(6));

        Assert.That(_registry.AddWritePermOfBroker("broker-a"), Is.EqualTo(2));
        Assert.That(_registry.FindRoute("U")!.QueueDatas[0].Perm, Is.EqualTo(6));
        Assert.That(_registry.WipeWritePermOfBroker("nobody"), Is.Zero);
    }

    [Test]
    public async Task ConcurrentRegistrationsAndLookupsStayConsistent()
    {
        var random = new Random(1234);
        int[] seeds = Enumerable.Range(0, 4).Select(_ => random.Next()).ToArray();
        Task[] tasks = seeds.Select((seed, worker) => Task.Run(() =>
        {
            var rnd = new Random(seed);
            for (int i = 0; i < 2000; i++)
            {
                string name = "broker-" + rnd.Next(4);
                switch (rnd.Next(4))
                {
                    case 0:
                        _registry.RegisterBroker(Reg(name, name + ":1"), Topics(i, ("T" + rnd.Next(5), 4)), null, null);
                        break;
                    case 1:
                        _registry.UnregisterBroker(new BrokerIdentity(Cluster, name, name + ":1", 0));
                        break;
                    default:
                        TopicRouteData? route = _registry.FindRoute("T" + rnd.Next(5));
                        if (route is not null)
                        {
                            Assert.That(route.BrokerDatas, Is.Not.Empty);
                        }
                        break;
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        // Invariant: every topic's queue data names a registered broker name.
        ClusterInfo info = _registry.GetClusterInfo();
        foreach (string topic in _registry.GetAllTopics().Topics)
        {
            foreach (QueueData q in _registry.FindRoute(topic)!.QueueDatas)
            {
                Assert.That(info.BrokerAddrTable.ContainsKey(q.BrokerName), Is.True, topic);
            }
        }
    }
}
