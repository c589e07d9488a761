using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Server;
using Mq.Storage;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

/// <summary>GET_BROKER_CONFIG (<c>mqadmin getBrokerConfig</c>) and GET_PRODUCER_CONNECTION_LIST (<c>mqadmin producerConnection</c>).</summary>
[Category("Integration")]
public sealed class AdminConfigTests
{
    [Test]
    public async Task Broker_config_is_answered_as_broker_conf_lines_that_configure_the_same_broker()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o =>
        {
            o.BrokerClusterName = "ProdCluster";
            o.BrokerName = "broker-z";
            o.AutoCreateTopicEnable = false;
            o.MessageDelayLevel = "1s 2s";
            o.TransactionTimeOut = TimeSpan.FromSeconds(3);
            o.HaTransferBatchSize = 64 * 1024;
            o.ShortPollingTimeMills = 250;
            o.TraceTopicEnable = true;
        });
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand response = await client.InvokeAsync(RequestCode.GetBrokerConfig);
        Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));

        string text = System.Text.Encoding.UTF8.GetString(response.Body.Span);
        var read = new BrokerOptions();
        List<string> ignored = BrokerConf.Apply(BrokerConf.Parse(text), read);
        BrokerOptions running = broker.Options;
        Assert.Multiple(() =>
        {
            Assert.That(ignored, Is.Empty, "every line is a setting a broker.conf can carry");
            Assert.That(text, Does.Contain("brokerRole=ASYNC_MASTER\n").And.Contain("flushDiskType=ASYNC_FLUSH\n").And.Contain("transactionTimeOut=3000\n"));
            Assert.That(read.BrokerClusterName, Is.EqualTo("ProdCluster"));
            Assert.That(read.BrokerName, Is.EqualTo("broker-z"));
            Assert.That(read.AutoCreateTopicEnable, Is.False);
            Assert.That(read.MessageDelayLevel, Is.EqualTo("1s 2s"));
            Assert.That(read.TransactionTimeOut, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(read.HaTransferBatchSize, Is.EqualTo(64 * 1024));
            Assert.That(read.ShortPollingTimeMills, Is.EqualTo(250));
            Assert.That(read.TraceTopicEnable, Is.True);
            Assert.That(read.StorePathRootDir, Is.EqualTo(running.StorePathRootDir));
            Assert.That(read.ListenPort, Is.EqualTo(running.ListenPort));
            Assert.That(read.NamesrvAddr, Is.EqualTo(running.NamesrvAddr));
            Assert.That(read.BrokerRole, Is.EqualTo(BrokerRole.AsyncMaster));
            Assert.That(read.MappedFileSizeCommitLog, Is.EqualTo(running.MappedFileSizeCommitLog));
            Assert.That(DataVersion.Decode(System.Text.Encoding.UTF8.GetBytes(response.ExtFields["version"]!)).Counter, Is.Zero);
        });
        using RemotingCommand update = await client.InvokeAsync(RequestCode.UpdateBrokerConfig, [], "autoCreateTopicEnable=true\n"u8.ToArray());
        Assert.That((update.Code, update.Remark), Is.EqualTo((ResponseCode.SystemError,
            "updating the broker's configuration at runtime is not allowed; change its options or broker.conf and restart it")));
    }

    [Test]
    public async Task Broker_consume_stats_list_every_groups_offsets_per_topic_and_the_total_backlog()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        for (int i = 0; i < 5; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Tracked", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand group = await client.InvokeAsync(RequestCode.UpdateAndCreateSubscriptionGroup, [],
            System.Text.Encoding.UTF8.GetBytes("{\"groupName\":\"CG_STATS\",\"consumeEnable\":true,\"retryQueueNums\":1}")))
        {
            Assert.That(group.Code, Is.EqualTo(ResponseCode.Success), group.Remark);
        }
        using (RemotingCommand committed = await client.InvokeAsync(RequestCode.UpdateConsumerOffset,
            new Dictionary<string, string?> { ["consumerGroup"] = "CG_STATS", ["topic"] = "Tracked", ["queueId"] = "0", ["commitOffset"] = "2" }))
        {
            Assert.That(committed.Code, Is.EqualTo(ResponseCode.Success), committed.Remark);
        }

        using RemotingCommand answer = await client.InvokeAsync(RequestCode.GetBrokerConsumeStats, new Dictionary<string, string?> { ["isOrder"] = "false" });
        using RemotingCommand ordered = await client.InvokeAsync(RequestCode.GetBrokerConsumeStats, new Dictionary<string, string?> { ["isOrder"] = "true" });
        Assert.That(answer.Code, Is.EqualTo(ResponseCode.Success), answer.Remark);
        ConsumeStatsList all = ConsumeStatsList.Decode(answer.Body.Span);
        ConsumeStats tracked = all.GroupStats.Single(g => g.ContainsKey("CG_STATS"))["CG_STATS"].Single();
        OffsetWrapper queue0 = tracked.OffsetTable[new MessageQueue("Tracked", broker.Options.BrokerName, 0)];
        Assert.Multiple(() =>
        {
            Assert.That(all.BrokerAddr, Is.EqualTo(broker.Address));
            Assert.That((queue0.BrokerOffset, queue0.ConsumerOffset), Is.EqualTo((5L, 2L)));
            Assert.That(all.TotalDiff, Is.EqualTo(3), "three messages of queue 0 not yet consumed, nothing elsewhere");
            Assert.That(ConsumeStatsList.Decode(ordered.Body.Span).GroupStats.SelectMany(g => g.Values).SelectMany(l => l), Is.Empty,
                "no ordered topic on this broker");
        });
    }

    [Test]
    public async Task Producer_connections_list_the_groups_live_clients()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var producer = new BrokerTestClient(broker.Address, "10.1.1.1@producer-1");
        using (RemotingCommand heartbeat = await producer.HeartbeatAsync(null, [], producerGroup: "PG_LISTED"))
        {
            Assert.That(heartbeat.Code, Is.EqualTo(ResponseCode.Success));
        }
        await using var admin = new BrokerTestClient(broker.Address, "127.0.0.1@admin");
        using RemotingCommand listed = await admin.InvokeAsync(RequestCode.GetProducerConnectionList, new Dictionary<string, string?> { ["producerGroup"] = "PG_LISTED" });
        using RemotingCommand unknown = await admin.InvokeAsync(RequestCode.GetProducerConnectionList, new Dictionary<string, string?> { ["producerGroup"] = "PG_NOBODY" });
        Assert.Multiple(() =>
        {
            Assert.That(listed.Code, Is.EqualTo(ResponseCode.Success));
            Connection connection = ProducerConnection.Decode(listed.Body.Span).ConnectionSet.Single();
            Assert.That(connection.ClientId, Is.EqualTo("10.1.1.1@producer-1"));
            Assert.That(connection.ClientAddr, Does.StartWith("127.0.0.1:"));
            Assert.That(connection.Language, Is.Not.Empty);
            Assert.That(unknown.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(unknown.Remark, Is.EqualTo("the producer group[PG_NOBODY] not exist"));
        });
    }
}
