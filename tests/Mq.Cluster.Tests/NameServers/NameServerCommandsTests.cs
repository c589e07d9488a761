using System.Text;
using Microsoft.Extensions.Time.Testing;
using Mq.NameServers;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.Tests.NameServers;

public sealed class NameServerCommandsTests
{
    private const int JavaVersion = 409;   // 4.9.x client/broker: RegisterBrokerBody, standard route JSON
    private const int LegacyVersion = 373; // < 401: fastjson-style route JSON
    private FakeTimeProvider _time = null!;
    private NameServerCommands _commands = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _commands = new NameServerCommands(new RouteRegistry(_time, TimeSpan.FromSeconds(120)), KvConfigStore.InMemory(), orderMessageEnable: true);
    }

    private static byte[] Body(long counter, params (string Topic, int Queues)[] topics)
    {
        var body = new RegisterBrokerBody { TopicConfigSerializeWrapper = RouteRegistryTests.Topics(counter, topics) };
        return body.Encode();
    }

    private NameServerReply Register(string name, string addr, long id, byte[] body, int version = JavaVersion, string ha = "", object? conn = null, int crc = 0, bool compressed = false) =>
        _commands.RegisterBroker(RouteRegistryTests.Reg(name, addr, id, ha) with { BodyCrc32 = crc, Compressed = compressed }, body, version, conn);

    [Test]
    public void RegisterThenRouteInBothJsonStyles()
    {
        NameServerReply reply = Register("broker-a", "10.0.0.1:10911", 0, Body(1, ("TopicTest", 4)));
        Assert.That(reply.Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(reply.Body, Is.Null, "no ORDER_TOPIC_CONFIG namespace yet");
        Assert.That(reply.ExtFields, Is.Null);

        NameServerReply standard = _commands.GetRouteInfoByTopic("TopicTest", JavaVersion, acceptStandardJsonOnly: false);
        Assert.That(standard.Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(Encoding.UTF8.GetString(standard.Body!), Is.EqualTo(
            "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"10.0.0.1:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSysFlag\":0,\"writeQueueNums\":4}]}"));

        NameServerReply legacy = _commands.GetRouteInfoByTopic("TopicTest", LegacyVersion, acceptStandardJsonOnly: false);
        Assert.That(Encoding.UTF8.GetString(legacy.Body!), Does.Contain("\"brokerAddrs\":{0:\"10.0.0.1:10911\"}"));
        NameServerReply legacyAsking = _commands.GetRouteInfoByTopic("TopicTest", LegacyVersion, acceptStandardJsonOnly: true);
        Assert.That(legacyAsking.Body, Is.EqualTo(standard.Body));
    }

    [Test]
    public void SystemAndUnitTopicListsComeFromTheRegistrations()
    {
        var wrapper = RouteRegistryTests.Topics(1, ("Plain", 1), ("Unit", 1), ("UnitSub", 1), ("Both", 1));
        wrapper.TopicConfigTable["Unit"].TopicSysFlag = 1;
        wrapper.TopicConfigTable["UnitSub"].TopicSysFlag = 2;
        wrapper.TopicConfigTable["Both"].TopicSysFlag = 3;
        Register("broker-a", "10.0.0.1:10911", 0, new RegisterBrokerBody { TopicConfigSerializeWrapper = wrapper }.Encode());

        TopicList system = TopicList.Decode(_commands.GetSystemTopicList().Body);
        Assert.Multiple(() =>
        {
            Assert.That(system.Topics, Is.EquivalentTo(new[] { "DefaultCluster", "broker-a" }));
            Assert.That(system.BrokerAddr, Is.EqualTo("10.0.0.1:10911"));
            Assert.That(TopicList.Decode(_commands.GetUnitTopicList().Body).Topics, Is.EquivalentTo(new[] { "Unit", "Both" }));
            Assert.That(TopicList.Decode(_commands.GetHasUnitSubTopicList().Body).Topics, Is.EquivalentTo(new[] { "UnitSub", "Both" }));
            Assert.That(TopicList.Decode(_commands.GetHasUnitSubUnunitTopicList().Body).Topics, Is.EquivalentTo(new[] { "UnitSub" }));
        });
    }

    [Test]
    public void UnknownTopicIsTopicNotExist()
    {
        NameServerReply reply = _commands.GetRouteInfoByTopic("Nope", JavaVersion, false);
        Assert.That(reply.Code, Is.EqualTo(NameServerReply.TopicNotExist));
        Assert.That(reply.Remark, Does.StartWith("No topic route info in name server for the topic: Nope"));
        Assert.That(reply.Body, Is.Null);
        Assert.That(_commands.GetRouteInfoByTopic(null, JavaVersion, false).Code, Is.EqualTo(NameServerReply.SystemError));
    }

    [Test]
    public void CompressedAndLegacyBodiesRegisterToo()
    {
        var body = new RegisterBrokerBody { TopicConfigSerializeWrapper = RouteRegistryTests.Topics(1, ("Zipped", 2)) };
        Assert.That(Register("broker-a", "a:1", 0, body.EncodeCompressed(), compressed: true).Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(_commands.Routes.FindRoute("Zipped"), Is.Not.Null);

        byte[] wrapperOnly = RouteRegistryTests.Topics(1, ("Old", 3)).Encode();
        Assert.That(Register("broker-b", "b:1", 0, wrapperOnly, version: 30).Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(_commands.Routes.FindRoute("Old")!.QueueDatas[0].ReadQueueNums, Is.EqualTo(3));

        Assert.That(Register("broker-c", "c:1", 0, []).Code, Is.EqualTo(NameServerReply.Success), "empty body registers no topics");
        Assert.That(_commands.Routes.GetClusterInfo().BrokerAddrTable.ContainsKey("broker-c"), Is.True);
    }

    [Test]
    public void MalformedBodyIsAnErrorAndLeavesTheRegistryUnchanged()
    {
        Register("broker-a", "a:1", 0, Body(1, ("T", 4)));
        byte[] before = _commands.GetBrokerClusterInfo().Body!;

        NameServerReply bad = Register("broker-x", "x:1", 0, Encoding.UTF8.GetBytes("{\"topicConfigSerializeWrapper\":{\"topicConfigTable\":{\"T\":"));
        Assert.That(bad.Code, Is.EqualTo(NameServerReply.SystemError));
        Assert.That(bad.Remark, Does.Contain("RegisterBrokerBody"));
        NameServerReply badZip = Register("broker-y", "y:1", 0, Encoding.UTF8.GetBytes("not zlib"), compressed: true);
        Assert.That(badZip.Code, Is.EqualTo(NameServerReply.SystemError));

        Assert.That(_commands.GetBrokerClusterInfo().Body, Is.EqualTo(before));
    }

    [Test]
    public void BodyCrcIsChecked()
    {
        byte[] body = Body(1, ("T", 4));
        int crc = NameServerCommands.Crc32Masked(body);
        Assert.That(crc, Is.GreaterThanOrEqualTo(0));
        Assert.That(Register("broker-a", "a:1", 0, body, crc: crc ^ 1).Remark, Is.EqualTo("crc32 not match"));
        Assert.That(_commands.Routes.FindRoute("T"), Is.Null);
        Assert.That(Register("broker-a", "a:1", 0, body, crc: crc).Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(NameServerCommands.Crc32Masked("123456789"u8), Is.EqualTo(unchecked((int)0xCBF43926) & 0x7FFFFFFF), "standard CRC-32 check value");
    }

    [Test]
    public void SlaveRegistrationAnswersMasterAddresses()
    {
        Register("broker-a", "m:1", 0, Body(1, ("T", 4)), ha: "m:2");
        NameServerReply slave = Register("broker-a", "s:1", 1, Body(1, ("T", 4)), ha: "s:2");
        Assert.That(slave.ExtField("masterAddr"), Is.EqualTo("m:1"));
        Assert.That(slave.ExtField("haServerAddr"), Is.EqualTo("m:2"));
    }

    [Test]
    public void MissingIdentityFieldsAreRejected()
    {
        NameServerReply reply = _commands.RegisterBroker(RouteRegistryTests.Reg("", "a:1"), Body(1), JavaVersion, null);
        Assert.That(reply.Code, Is.EqualTo(NameServerReply.SystemError));
        Assert.That(reply.Remark, Does.Contain("brokerName"));
    }

    [Test]
    public void OrderTopicConfigFeedsRoutesAndTheRegisterReply()
    {
        Assert.That(_commands.PutKvConfig(KvConfigStore.OrderTopicConfigNamespace, "Ordered", "broker-a:4").Code, Is.EqualTo(NameServerReply.Success));
        NameServerReply reg = Register("broker-a", "a:1", 0, Body(1, ("Ordered", 4), ("Plain", 4)));
        Assert.That(Encoding.UTF8.GetString(reg.Body!), Is.EqualTo("{\"table\":{\"Ordered\":\"broker-a:4\"}}"));

        TopicRouteData ordered = TopicRouteData.Decode(_commands.GetRouteInfoByTopic("Ordered", JavaVersion, false).Body!);
        Assert.That(ordered.OrderTopicConf, Is.EqualTo("broker-a:4"));
        TopicRouteData plain = TopicRouteData.Decode(_commands.GetRouteInfoByTopic("Plain", JavaVersion, false).Body!);
        Assert.That(plain.OrderTopicConf, Is.Null);

        var disabled = new NameServerCommands(_commands.Routes, _commands.KvConfig, orderMessageEnable: false);
        Assert.That(TopicRouteData.Decode(disabled.GetRouteInfoByTopic("Ordered", JavaVersion, false).Body!).OrderTopicConf, Is.Null);
    }

    [Test]
    public void KvCommandsUseQueryNotFound()
    {
        Assert.That(_commands.GetKvConfig("ns", "k").Code, Is.EqualTo(NameServerReply.QueryNotFound));
        Assert.That(_commands.GetKvListByNamespace("ns").Code, Is.EqualTo(NameServerReply.QueryNotFound));
        _commands.PutKvConfig("ns", "k", "v");
        NameServerReply get = _commands.GetKvConfig("ns", "k");
        Assert.That(get.Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(get.ExtField("value"), Is.EqualTo("v"));
        Assert.That(KVTable.Decode(_commands.GetKvListByNamespace("ns").Body!).Table["k"], Is.EqualTo("v"));
        Assert.That(_commands.DeleteKvConfig("ns", "k").Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(_commands.DeleteKvConfig("ns", "k").Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(_commands.GetKvConfig("ns", "k").Code, Is.EqualTo(NameServerReply.QueryNotFound));
        Assert.That(_commands.PutKvConfig("ns", null, "v").Code, Is.EqualTo(NameServerReply.SystemError));
    }

    [Test]
    public void QueryDataVersionAnswersChangedAndTheStoredVersion()
    {
        Register("broker-a", "a:1", 0, Body(5, ("T", 4)));
        var id = new BrokerIdentity("DefaultCluster", "broker-a", "a:1", 0);
        DataVersion stored = RouteRegistryTests.Topics(5).DataVersion;

        NameServerReply same = _commands.QueryDataVersion(id, stored.Encode());
        Assert.That(same.ExtField("changed"), Is.EqualTo("false"));
        Assert.That(DataVersion.Decode(same.Body!), Is.EqualTo(stored));

        NameServerReply changed = _commands.QueryDataVersion(id, new DataVersion(1, 6).Encode());
        Assert.That(changed.ExtField("changed"), Is.EqualTo("true"));

        Assert.That(_commands.QueryDataVersion(id, "{"u8).Code, Is.EqualTo(NameServerReply.SystemError));
    }

    [Test]
    public void ClusterTopicsDeletionAndPermissions()
    {
        Register("broker-a", "a:1", 0, Body(1, ("T", 4), ("U", 4)));
        ClusterInfo info = ClusterInfo.Decode(_commands.GetBrokerClusterInfo().Body!);
        Assert.That(info.ClusterAddrTable["DefaultCluster"], Is.EquivalentTo(new[] { "broker-a" }));
        Assert.That(TopicList.Decode(_commands.GetAllTopicList().Body!).Topics, Is.EquivalentTo(new[] { "T", "U" }));
        Assert.That(TopicList.Decode(_commands.GetTopicsByCluster("DefaultCluster").Body!).Topics, Is.EquivalentTo(new[] { "T", "U" }));

        Assert.That(_commands.WipeWritePermOfBroker("broker-a").ExtField("wipeTopicCount"), Is.EqualTo("2"));
        Assert.That(_commands.AddWritePermOfBroker("broker-a").ExtField("addTopicCount"), Is.EqualTo("2"));

        Assert.That(_commands.DeleteTopicInNamesrv("U", null).Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(_commands.GetRouteInfoByTopic("U", JavaVersion, false).Code, Is.EqualTo(NameServerReply.TopicNotExist));
        Assert.That(_commands.UnregisterBroker(new BrokerIdentity("DefaultCluster", "broker-a", "a:1", 0)).Code, Is.EqualTo(NameServerReply.Success));
        Assert.That(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Code, Is.EqualTo(NameServerReply.TopicNotExist));
    }

    [Test]
    public void ConnectionCloseDropsTheBrokerRegisteredOverIt()
    {
        object conn = new();
        Register("broker-a", "a:1", 0, Body(1, ("T", 4)), conn: conn);
        _commands.Routes.ConnectionClosed(conn);
        Assert.That(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Code, Is.EqualTo(NameServerReply.TopicNotExist));
    }

    [Test]
    public void RandomGarbageBodiesNeverThrow()
    {
        var random = new Random(42);
        byte[] valid = Body(1, ("T", 4));
        for (int i = 0; i < 500; i++)
        {
            byte[] garbage = (byte[])valid.Clone();
            int flips = random.Next(1, 8);
            for (int f = 0; f < flips; f++)
            {
                garbage[random.Next(garbage.Length)] = (byte)random.Next(256);
            }
            if (random.Next(4) == 0)
            {
                Array.Resize(ref garbage, random.Next(garbage.Length));
            }
            NameServerReply reply = Register("broker-" + (i % 3), "h" + (i % 3) + ":1", 0, garbage, compressed: random.Next(8) == 0);
            Assert.That(reply.Code, Is.AnyOf(NameServerReply.Success, NameServerReply.SystemError));
        }
    }

    [Test]
    public void CachedRouteBodiesFollowRegistryAndKvChanges()
    {
        Register("broker-a", "a:1", 0, Body(1, ("T", 4)));
        byte[] first = _commands.GetRouteInfoByTopic("T", JavaVersion, false).Body!;
        Assert.That(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Body, Is.SameAs(first), "served from the cache");
        Assert.That(_commands.GetRouteInfoByTopic("T", LegacyVersion, false).Body, Is.Not.EqualTo(first), "styles cached apart");

        Register("broker-a", "a:1", 0, Body(2, ("T", 8)));
        TopicRouteData changed = TopicRouteData.Decode(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Body!);
        Assert.That(changed.QueueDatas[0].WriteQueueNums, Is.EqualTo(8));

        _commands.PutKvConfig(KvConfigStore.OrderTopicConfigNamespace, "T", "broker-a:8");
        Assert.That(TopicRouteData.Decode(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Body!).OrderTopicConf, Is.EqualTo("broker-a:8"));

        _commands.Routes.WipeWritePermOfBroker("broker-a");
        Assert.That(TopicRouteData.Decode(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Body!).QueueDatas[0].Perm, Is.EqualTo(4));

        _time.Advance(TimeSpan.FromSeconds(121));
        _commands.Routes.ScanNotActiveBrokers();
        Assert.That(_commands.GetRouteInfoByTopic("T", JavaVersion, false).Code, Is.EqualTo(NameServerReply.TopicNotExist));
    }
}
