using Mq.Brokers;
using Mq.Server;
using Mq.Storage;

namespace Mq.Tests.Server;

[TestFixture]
public sealed class BrokerConfTests
{
    private const string Conf = """
        # Apache RocketMQ broker.conf
        brokerClusterName = ProdCluster
        brokerName=broker-b
        brokerId=0
        ! also a comment
        namesrvAddr=10.0.0.1:9876;10.0.0.2:9876
        brokerIP1=10.0.0.5
        listenPort=10921
        storePathRootDir=/data/rocketmq/store
        brokerRole=SYNC_MASTER
        flushDiskType=SYNC_FLUSH
        autoCreateTopicEnable=false
        deleteWhen=04
        messageDelayLevel=1s 2s
        """;

    [Test]
    public void Parse_ReadsKeyValueLines_SkipsComments()
    {
        Dictionary<string, string> values = BrokerConf.Parse(Conf.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.That(values["brokerClusterName"], Is.EqualTo("ProdCluster"));
        Assert.That(values["messageDelayLevel"], Is.EqualTo("1s 2s"));
        Assert.That(values, Has.Count.EqualTo(12));
    }

    [Test]
    public void Apply_MapsTheAsyncFlushKeysOntoTheStore()
    {
        var options = new BrokerOptions();
        List<string> ignored = BrokerConf.Apply(BrokerConf.Parse("flushIntervalCommitLog=200\nflushCommitLogLeastPages=0\nflushCommitLogTimed=false\nwarmMapedFileEnable=false"), options);
        StoreOptions store = options.ToStoreOptions();

        Assert.Multiple(() =>
        {
            Assert.That(ignored, Is.Empty);
            Assert.That(store.FlushIntervalCommitLog, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(store.FlushCommitLogLeastPages, Is.Zero);
            Assert.That(store.FlushCommitLogTimed, Is.False);
            Assert.That(store.WarmMappedFileEnable, Is.False);
        });
    }

    [Test]
    public void Apply_MapsRocketMqNamesOntoBrokerOptions_AndReportsUnknownKeys()
    {
        var options = new BrokerOptions();
        List<string> ignored = BrokerConf.Apply(BrokerConf.Parse(Conf), options);

        Assert.Multiple(() =>
        {
            Assert.That(options.BrokerClusterName, Is.EqualTo("ProdCluster"));
            Assert.That(options.BrokerName, Is.EqualTo("broker-b"));
            Assert.That(options.NamesrvAddr, Is.EqualTo(new[] { "10.0.0.1:9876", "10.0.0.2:9876" }));
            Assert.That(options.BrokerIP1, Is.EqualTo("10.0.0.5"));
            Assert.That(options.ListenPort, Is.EqualTo(10921));
            Assert.That(options.StorePathRootDir, Is.EqualTo("/data/rocketmq/store"));
            Assert.That(options.BrokerRole, Is.EqualTo(BrokerRole.SyncMaster));
            Assert.That(options.FlushDiskType, Is.EqualTo(FlushDiskType.SyncFlush));
            Assert.That(options.AutoCreateTopicEnable, Is.False);
            Assert.That(options.MessageDelayLevel, Is.EqualTo("1s 2s"));
            Assert.That(ignored, Is.EqualTo(new[] { "deleteWhen" }));
        });
    }

    [TestCase("listenPort=abc")]
    [TestCase("brokerRole=LEADER")]
    [TestCase("autoCreateTopicEnable=yes")]
    [TestCase("no separator here")]
    public void BadLines_AreRejectedWithTheKey(string line)
    {
        Assert.That(() => BrokerConf.Apply(BrokerConf.Parse(line), new BrokerOptions()), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void CommandLine_OverridesTheFile()
    {
        using var dir = new Mq.TestKit.TempDirectory();
        string path = Path.Combine(dir.Path, "broker.conf");
        File.WriteAllText(path, Conf);

        ServerCommand command = ServerCommand.Parse(["broker", "-c", path, "--listen-port", "10999", "-n", "127.0.0.1:9876", "--store", dir.Path]);

        Assert.Multiple(() =>
        {
            Assert.That(command.Broker!.ListenPort, Is.EqualTo(10999));
            Assert.That(command.Broker.NamesrvAddr, Is.EqualTo(new[] { "127.0.0.1:9876" }));
            Assert.That(command.Broker.StorePathRootDir, Is.EqualTo(dir.Path));
            Assert.That(command.Broker.BrokerName, Is.EqualTo("broker-b"));
            Assert.That(command.IgnoredConfKeys, Is.EqualTo(new[] { "deleteWhen" }));
        });
    }

    [TestCase("")]
    [TestCase("proxy")]
    [TestCase("namesrv --port 70000")]
    [TestCase("namesrv --port")]
    [TestCase("broker --unknown x")]
    [TestCase("broker -c /nonexistent/broker.conf")]
    [TestCase("broker --broker-id abc")]
    [TestCase("broker --listen-port -1")]
    public void BadCommandLines_AreRejected(string line)
    {
        string[] args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(() => ServerCommand.Parse(args), Throws.InstanceOf<ArgumentException>());
    }

    [Test]
    public void NameServerOptions_FromTheCommandLine()
    {
        ServerCommand command = ServerCommand.Parse(["namesrv", "--port", "9877", "--kv-config", "/tmp/kv.json"]);

        Assert.That(command.NameServer!.ListenPort, Is.EqualTo(9877));
        Assert.That(command.NameServer.KvConfigPath, Is.EqualTo("/tmp/kv.json"));
    }

    [Test]
    public void PosixOptionSyntax_AndTheNamesrvAddrAlias_AreAccepted()
    {
        using var dir = new Mq.TestKit.TempDirectory();
        ServerCommand command = ServerCommand.Parse(["broker", "--listen-port=10998", "--namesrv-addr", "10.0.0.1:9876;10.0.0.2:9876", "--store", dir.Path]);

        Assert.That(command.Broker!.ListenPort, Is.EqualTo(10998));
        Assert.That(command.Broker.NamesrvAddr, Is.EqualTo(new[] { "10.0.0.1:9876", "10.0.0.2:9876" }));
    }

    [Test]
    public void AclEnable_InTheConf_ReadsPlainAclYmlAndTheAclDirectoryBesideIt_AndAclFileTurnsAclOn()
    {
        using var dir = new Mq.TestKit.TempDirectory();
        string path = Path.Combine(dir.Path, "broker.conf");
        File.WriteAllText(path, "brokerName=broker-acl\naclEnable=true\n");

        ServerCommand fromConf = ServerCommand.Parse(["broker", "-c", path, "--store", dir.Path]);
        ServerCommand fromOption = ServerCommand.Parse(["broker", "--acl-file", "/etc/mq/acl.yml", "--store", dir.Path]);
        Directory.CreateDirectory(Path.Combine(dir.Path, "acl"));
        ServerCommand withDirectory = ServerCommand.Parse(["broker", "-c", path, "--store", dir.Path]);

        Assert.Multiple(() =>
        {
            Assert.That(fromConf.Broker!.AclEnable, Is.True);
            Assert.That(fromConf.Broker.AclFilePath, Is.EqualTo(Path.Combine(dir.Path, "plain_acl.yml")));
            Assert.That(fromConf.Broker.AclDirectory, Is.Null, "no acl directory beside the file");
            Assert.That(fromOption.Broker!.AclEnable, Is.True);
            Assert.That(fromOption.Broker.AclFilePath, Is.EqualTo("/etc/mq/acl.yml"));
            Assert.That(withDirectory.Broker!.AclDirectory, Is.EqualTo(Path.Combine(dir.Path, "acl")), "conf/acl beside conf/plain_acl.yml, as 4.9.3+");
        });
    }
}
