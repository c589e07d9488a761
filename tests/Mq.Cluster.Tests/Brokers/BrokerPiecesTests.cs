using Microsoft.Extensions.Configuration;
using System.Text;
using Mq.Brokers;
using Mq.Brokers.Clients;
using Mq.Brokers.Offsets;
using Mq.Brokers.Processors;
using Mq.Brokers.Topics;
using Mq.Common;
using Mq.Protocol.Body;
using Mq.TestKit;

namespace Mq.Tests.Brokers;

public sealed class BrokerPiecesTests
{
    [TestCase("*", true, true)]
    [TestCase("", true, true)]
    [TestCase("TagA", true, false)]
    [TestCase("TagA || TagB", true, true)]
    [TestCase(" TagB ||TagA ", true, true)]
    public void Tag_expressions_match_java_hash_codes(string expression, bool matchesA, bool matchesB)
    {
        TagFilter filter = TagFilter.Parse(expression)!;
        Assert.That(filter.IsMatchedByConsumeQueue(JavaHash.TagsCode("TagA")), Is.EqualTo(matchesA));
        Assert.That(filter.IsMatchedByConsumeQueue(2598920), Is.EqualTo(matchesB), "TagB hashes to 2598920");
    }

    [Test]
    public void Tag_expression_of_separators_only_is_a_parse_failure() => Assert.That(TagFilter.Parse("||"), Is.Null);

    [Test]
    public void Heartbeat_filter_uses_tag_names_not_client_codes()
    {
        var data = new SubscriptionData { Topic = "T", SubString = "TagA" };
        data.TagsSet.Add("TagA");
        data.CodeSet.Add(12345); // a wrong client hash (Go hashes UTF-8) must not matter
        TagFilter filter = TagFilter.From(data);
        Assert.That(filter.IsMatchedByConsumeQueue(2598919), Is.True);
        Assert.That(filter.IsMatchedByConsumeQueue(12345), Is.False);
    }

    [TestCase("TAGS\u0001A\u0002WAIT\u0001true", true, "TAGS\u0001A\u0002CLUSTER\u0001C1")]
    [TestCase("TAGS\u0001A\u0002WAIT\u0001true\u0002", false, "TAGS\u0001A\u0002WAIT\u0001true\u0002CLUSTER\u0001C1")]
    [TestCase("CLUSTER\u0001spoofed\u0002K\u0001v", true, "K\u0001v\u0002CLUSTER\u0001C1")]
    [TestCase("", true, "CLUSTER\u0001C1")]
    public void Send_properties_strip_wait_and_stamp_the_cluster(string input, bool stripWait, string expected)
    {
        byte[] source = Encoding.UTF8.GetBytes(input);
        byte[] destination = new byte[SendProperties.MaxLength(source.Length, 2)];
        int length = SendProperties.Rewrite(source, "C1"u8, stripWait, destination);
        Assert.That(Encoding.UTF8.GetString(destination, 0, length), Is.EqualTo(expected));
    }

    [Test]
    public void Offsets_ignore_negatives_persist_and_reload()
    {
        using var directory = new TempDirectory();
        var options = new BrokerOptions { StorePathRootDir = directory.Path };
        var offsets = new ConsumerOffsetManager(options);
        offsets.Commit("G", "T", 0, 5);
        offsets.Commit("G", "T", 0, -1);
        offsets.Commit("G2", "T", 1, 7);
        Assert.That(offsets.Query("G", "T", 0), Is.EqualTo(5));
        Assert.That(offsets.Query("G", "T", 9), Is.EqualTo(-1));
        Assert.That(offsets.WhichGroupByTopic("T"), Is.EquivalentTo(new[] { "G", "G2" }));
        offsets.Persist();
        string json = File.ReadAllText(Path.Combine(directory.Path, "config", "consumerOffset.json"));
        Assert.That(json, Does.Contain("\"T@G\""));

        var reloaded = new ConsumerOffsetManager(options);
        reloaded.Load();
        Assert.That(reloaded.Query("G2", "T", 1), Is.EqualTo(7));
    }

    [TestCase("TopicA", true)]
    [TestCase("%RETRY%group_1-x|y", true)]
    [TestCase("bad topic", false)]
    [TestCase("", false)]
    [TestCase("a.b", false)]
    public void Topic_names(string name, bool valid) => Assert.That(TopicValidator.Validate(name) is null, Is.EqualTo(valid));

    [Test]
    public void Topic_longer_than_127_is_invalid() => Assert.That(TopicValidator.Validate(new string('a', 128)), Does.Contain("longer"));

    [Test]
    public void Options_defaults_follow_rocketmq()
    {
        var options = new BrokerOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.BrokerClusterName, Is.EqualTo("DefaultCluster"));
            Assert.That(options.ListenPort, Is.EqualTo(10911));
            Assert.That(options.AutoCreateTopicEnable, Is.True);
            Assert.That(options.DefaultTopicQueueNums, Is.EqualTo(8));
            Assert.That(options.MaxMessageSize, Is.EqualTo(4 * 1024 * 1024));
            Assert.That(options.RegisterNameServerPeriod, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.ChannelExpiredTimeout, Is.EqualTo(TimeSpan.FromSeconds(120)));
            Assert.That(options.ShortPollingTimeMills, Is.EqualTo(1000));
        });
    }

    [Test]
    public void Options_bind_from_configuration()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["BrokerName"] = "b1",
                ["NamesrvAddr:0"] = "127.0.0.1:9876;127.0.0.1:9877",
                ["ListenPort"] = "0",
                ["FlushDiskType"] = "SyncFlush",
            })
            .Build();
        var options = new BrokerOptions();
        Microsoft.Extensions.Configuration.ConfigurationBinder.Bind(configuration, options);
        Assert.That(options.BrokerName, Is.EqualTo("b1"));
        Assert.That(options.NameServerAddresses(), Has.Count.EqualTo(2));
        Assert.That(options.FlushDiskType, Is.EqualTo(Mq.Storage.FlushDiskType.SyncFlush));
    }
}
