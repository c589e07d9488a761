using System.Collections.Concurrent;
using Mq.Client;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.Testing;

namespace Mq.Tests.Client;

/// <summary>AdminClient against an in-process cluster of two broker groups: topics, routes, offsets and consumer lag.</summary>
[Category("Integration")]
public sealed class AdminClientTests
{
    [Test]
    public async Task Creates_a_topic_on_every_master_reads_its_offsets_and_a_groups_lag_then_deletes_it()
    {
        await using MqCluster cluster = await MqCluster.StartAsync(c => c.BrokerGroups = 2);
        await using var admin = new AdminClient(new AdminClientOptions { NameServerAddresses = [cluster.NameServerAddress] });

        IReadOnlyList<string> masters = await admin.CreateTopicAsync("AdminTopic", queueNums: 3);
        TopicRouteData? route = null;
        await Eventually.HoldsAsync(async () => (route = await admin.GetTopicRouteAsync("AdminTopic")) is { BrokerDatas.Count: 2 });
        Assert.That(masters, Has.Count.EqualTo(2));
        Assert.That(route!.QueueDatas.Select(q => q.WriteQueueNums), Is.All.EqualTo(3));
        Assert.That(await admin.GetTopicListAsync(), Does.Contain("AdminTopic"));
        ClusterInfo clusterInfo = await admin.GetClusterInfoAsync();
        Assert.That(clusterInfo.ClusterAddrTable["DefaultCluster"], Is.EquivalentTo(new[] { "broker-a", "broker-b" }));
        string brokerA = clusterInfo.BrokerAddrTable["broker-a"].BrokerAddrs[0];
        IReadOnlyDictionary<string, string> runtime = await admin.GetBrokerRuntimeInfoAsync(brokerA);
        IReadOnlyDictionary<string, string> config = await admin.GetBrokerConfigAsync(brokerA);
        Assert.That(runtime, Does.ContainKey("commitLogMaxOffset"));
        Assert.That(config["brokerName"], Is.EqualTo("broker-a"));

        await admin.CreateTopicAsync("AdminOrdered", queueNums: 2, order: true);
        string? orderConf = cluster.NameServers[0].KvConfig.Get("ORDER_TOPIC_CONFIG", "AdminOrdered");
        await admin.DeleteTopicAsync("AdminOrdered");
        Assert.Multiple(() =>
        {
            Assert.That(orderConf?.Split(';'), Is.EquivalentTo(new[] { "broker-a:2", "broker-b:2" }), "updateTopic -o writes ORDER_TOPIC_CONFIG");
            Assert.That(cluster.NameServers[0].KvConfig.Get("ORDER_TOPIC_CONFIG", "AdminOrdered"), Is.Null, "deleteTopic removes it");
        });

        await using (var producer = new Producer(new ProducerOptions { NameServerAddresses = [cluster.NameServerAddress], ProducerGroup = "PG_ADMIN" }))
        {
            await producer.StartAsync();
            for (int i = 0; i < 12; i++)
            {
                await producer.SendAsync(new Message("AdminTopic", new[] { (byte)i }));
            }

            SendResult keyed = await producer.SendAsync(new Message("AdminTopic", "TagK", "order-7 other-key", "keyed"u8.ToArray()));

            TopicStatsTable stats = await admin.GetTopicStatsAsync("AdminTopic");
            Assert.That(stats.OffsetTable, Has.Count.EqualTo(6), "three queues on each of two brokers");
            Assert.That(stats.OffsetTable.Values.Sum(o => o.MaxOffset), Is.EqualTo(13));

            IReadOnlyList<ReceivedMessage> byKey = [];
            await Eventually.HoldsAsync(async () =>
                (byKey = await admin.QueryMessagesByKeyAsync("AdminTopic", "order-7", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1))).Count > 0);
            ReceivedMessage? byOffsetId = await admin.FindMessageAsync("AdminTopic", keyed.OffsetMessageId);
            ReceivedMessage? byClientId = await admin.FindMessageAsync("AdminTopic", keyed.MessageId);
            IReadOnlyList<ReceivedMessage> noKey = await admin.QueryMessagesByKeyAsync("AdminTopic", "order-8", DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow.AddHours(1));
            Assert.Multiple(() =>
            {
                Assert.That(byKey.Select(m => m.MessageId), Is.EqualTo(new[] { keyed.MessageId }));
                Assert.That(byOffsetId?.MessageId, Is.EqualTo(keyed.MessageId));
                Assert.That(byClientId?.Tags, Is.EqualTo("TagK"));
                Assert.That(noKey, Is.Empty);
            });

            var consumed = new ConcurrentQueue<byte>();
            var consumer = new PushConsumer(new ConsumerOptions
            {
                NameServerAddresses = [cluster.NameServerAddress],
                ConsumerGroup = "CG_ADMIN",
                Subscriptions = { ["AdminTopic"] = "*" },
                ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
                RebalanceInterval = TimeSpan.FromSeconds(1),
            }, (m, _, _) =>
            {
                consumed.Enqueue(m.Body.Span[0]);
                return ValueTask.FromResult(ConsumeResult.Success);
            });
            await consumer.StartAsync();
            await Eventually.HoldsAsync(() => Task.FromResult(consumed.Count >= 13));
            ConsumerConnection members = await admin.GetConsumerConnectionsAsync("CG_ADMIN");
            Assert.That(members.ConnectionSet.Select(c => c.Language), Is.EqualTo(new[] { "DOTNET" }));
            Assert.That(members.SubscriptionTable.Keys, Does.Contain("AdminTopic"));
            await consumer.DisposeAsync(); // commits the offsets
            var offline = Assert.ThrowsAsync<MqClientException>(() => admin.GetConsumerConnectionsAsync("CG_ADMIN"));
            Assert.That(offline!.ResponseCode, Is.EqualTo(ResponseCode.ConsumerNotOnline));

            for (int i = 0; i < 5; i++)
            {
                await producer.SendAsync(new Message("AdminTopic", new[] { (byte)i }));
            }
        }

        ConsumeStats progress = await admin.GetConsumeStatsAsync("CG_ADMIN", "AdminTopic");
        ConsumeStats viaRetryTopic = await admin.GetConsumeStatsAsync("CG_ADMIN");
        Assert.Multiple(() =>
        {
            Assert.That(progress.OffsetTable, Has.Count.EqualTo(6));
            Assert.That(progress.TotalLag(), Is.EqualTo(5), "the five sent after the group stopped");
            Assert.That(viaRetryTopic.TotalLag(), Is.EqualTo(5), "found through the group's retry topic too");
        });

        IReadOnlyDictionary<MessageQueue, long> rewound = await admin.ResetOffsetByTimestampAsync("AdminTopic", "CG_ADMIN", DateTimeOffset.UnixEpoch);
        long lagAfterRewind = (await admin.GetConsumeStatsAsync("CG_ADMIN", "AdminTopic")).TotalLag();
        await admin.ResetOffsetByTimestampAsync("AdminTopic", "CG_ADMIN", DateTimeOffset.UtcNow.AddHours(1));
        long lagAfterSkip = (await admin.GetConsumeStatsAsync("CG_ADMIN", "AdminTopic")).TotalLag();
        await admin.CreateSubscriptionGroupAsync(new SubscriptionGroupConfig { GroupName = "CG_CONFIGURED", RetryMaxTimes = 3 });
        Assert.Multiple(() =>
        {
            Assert.That(rewound, Has.Count.EqualTo(6));
            Assert.That(rewound.Values, Is.All.Zero, "rewound to the first message");
            Assert.That(lagAfterRewind, Is.EqualTo(18), "everything ever sent is to be consumed again");
            Assert.That(lagAfterSkip, Is.Zero, "a time after the last message skips to the end");
            Assert.That(cluster.Broker("broker-b").Node!.Groups.Find("CG_CONFIGURED")?.RetryMaxTimes, Is.EqualTo(3));
        });

        await admin.DeleteTopicAsync("AdminTopic");
        TopicRouteData? afterDelete = await admin.GetTopicRouteAsync("AdminTopic");
        IReadOnlySet<string> topicsAfterDelete = await admin.GetTopicListAsync();
        Assert.Multiple(() =>
        {
            Assert.That(afterDelete, Is.Null);
            Assert.That(topicsAfterDelete, Does.Not.Contain("AdminTopic"));
            Assert.That(cluster.Broker("broker-a").Node!.Topics.Find("AdminTopic"), Is.Null);
        });
    }

    [Test]
    public async Task Errors_carry_the_brokers_code_and_remark_and_an_acl_cluster_needs_an_admin_account()
    {
        await using MqCluster cluster = await MqCluster.StartAsync(c => c.ConfigureBroker = o =>
        {
            o.AclEnable = true;
            o.Acl = new AclConfig
            {
                PlainAccessConfigs =
                {
                    new PlainAccessConfig { AccessKey = "operator", SecretKey = "operator-secret", Admin = true },
                    new PlainAccessConfig { AccessKey = "app-user", SecretKey = "app-user-secret", DefaultTopicPerm = "PUB" },
                },
            };
        });
        await using var anonymous = new AdminClient(new AdminClientOptions { NameServerAddresses = [cluster.NameServerAddress] });
        await using var user = new AdminClient(new AdminClientOptions
        {
            NameServerAddresses = [cluster.NameServerAddress], AccessKey = "app-user", SecretKey = "app-user-secret",
        });
        await using var operatorClient = new AdminClient(new AdminClientOptions
        {
            NameServerAddresses = [cluster.NameServerAddress], AccessKey = "operator", SecretKey = "operator-secret",
        });

        var unsigned = Assert.ThrowsAsync<MqClientException>(() => anonymous.CreateTopicAsync("AclAdminTopic"));
        var notAdmin = Assert.ThrowsAsync<MqClientException>(() => user.CreateTopicAsync("AclAdminTopic"));
        var noCluster = Assert.ThrowsAsync<MqClientException>(() => operatorClient.CreateTopicAsync("AclAdminTopic", clusterName: "NoSuchCluster"));
        await operatorClient.CreateTopicAsync("AclAdminTopic", queueNums: 2);

        Assert.Multiple(() =>
        {
            Assert.That(unsigned!.ResponseCode, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(unsigned.Remark, Does.Contain("No accessKey is configured"));
            Assert.That(notAdmin!.Remark, Does.Contain("Need admin permission"));
            Assert.That(noCluster!.Message, Does.Contain("NoSuchCluster"));
            Assert.That(cluster.Broker("broker-a").Node!.Topics.Find("AclAdminTopic")?.WriteQueueNums, Is.EqualTo(2));
        });
    }
}
