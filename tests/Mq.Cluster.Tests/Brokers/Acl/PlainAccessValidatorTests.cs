using System.Net;
using System.Text;
using Mq.Brokers.Acl;
using Mq.Protocol;
using Mq.Protocol.Body;

namespace Mq.Tests.Brokers.Acl;

public sealed class PlainAccessValidatorTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("10.0.0.5"), 50000);

    private static AclTable Table(Action<AclConfig>? configure = null)
    {
        var config = new AclConfig
        {
            PlainAccessConfigs =
            {
                new PlainAccessConfig
                {
                    AccessKey = "producer1",
                    SecretKey = "producer-secret",
                    DefaultTopicPerm = "DENY",
                    DefaultGroupPerm = "DENY",
                    TopicPerms = ["orders=PUB", "audit=PUB|SUB", "closed=DENY"],
                },
                new PlainAccessConfig
                {
                    AccessKey = "consumer1",
                    SecretKey = "consumer-secret",
                    DefaultTopicPerm = "SUB",
                    DefaultGroupPerm = "SUB",
                    GroupPerms = ["blocked=DENY"],
                },
                new PlainAccessConfig { AccessKey = "operator", SecretKey = "operator-secret", Admin = true },
                new PlainAccessConfig { AccessKey = "reader1", SecretKey = "reader-secret", DefaultTopicPerm = "SUB", DefaultGroupPerm = "DENY", GroupPerms = ["CG=SUB"] },
                new PlainAccessConfig
                {
                    AccessKey = "trusted", SecretKey = "trusted-secret", WhiteRemoteAddress = "10.0.0.*", DefaultTopicPerm = "DENY",
                },
            },
        };
        configure?.Invoke(config);
        return AclTable.Compile(config);
    }

    private static RemotingCommand Request(int code, params (string Key, string Value)[] fields)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(code);
        foreach ((string key, string value) in fields)
        {
            request.ExtFields.Add(key, value);
        }
        return request;
    }

    private static RemotingCommand Signed(RemotingCommand request, string accessKey, string secretKey)
    {
        AclRequestSigner.Sign(request, accessKey, Encoding.UTF8.GetBytes(secretKey), null);
        return request;
    }

    private static string? Check(AclTable table, RemotingCommand request, IPEndPoint? from = null)
    {
        using (request)
        {
            return PlainAccessValidator.Check(table, from ?? Client, request);
        }
    }

    private static RemotingCommand SendV2(string topic, string group = "PG") => Request(RequestCode.SendMessageV2, ("a", group), ("b", topic), ("c", "TBW102"));

    [Test]
    public void A_signed_send_passes_on_a_topic_the_account_may_publish_to()
    {
        Assert.That(Check(Table(), Signed(SendV2("orders"), "producer1", "producer-secret")), Is.Null);
    }

    [Test]
    public void Unsigned_unknown_and_wrongly_signed_requests_are_refused_before_any_permission_check()
    {
        AclTable table = Table();
        Assert.Multiple(() =>
        {
            Assert.That(Check(table, SendV2("orders")), Is.EqualTo("No accessKey is configured"));
            Assert.That(Check(table, Signed(SendV2("orders"), "stranger", "whatever-secret")), Is.EqualTo("No acl config for stranger"));
            Assert.That(Check(table, Signed(SendV2("orders"), "producer1", "not-the-secret")), Is.EqualTo("Check signature failed for accessKey=producer1"));
        });
    }

    [Test]
    public void A_request_changed_after_signing_fails_the_signature()
    {
        RemotingCommand request = Signed(SendV2("orders"), "producer1", "producer-secret");
        request.SetBody("changed in flight"u8.ToArray());
        Assert.That(Check(Table(), request), Is.EqualTo("Check signature failed for accessKey=producer1"));
    }

    [Test]
    public void Topic_permissions_come_from_the_entries_then_the_default()
    {
        AclTable table = Table();
        Assert.Multiple(() =>
        {
            Assert.That(Check(table, Signed(SendV2("audit"), "producer1", "producer-secret")), Is.Null, "PUB|SUB allows a send");
            Assert.That(Check(table, Signed(SendV2("closed"), "producer1", "producer-secret")), Is.EqualTo("No default permission for topic:closed"));
            Assert.That(Check(table, Signed(SendV2("elsewhere"), "producer1", "producer-secret")), Is.EqualTo("No default permission for topic:elsewhere"),
                "not listed: the DENY default");
            Assert.That(Check(table, Signed(SendV2("anything"), "consumer1", "consumer-secret")), Is.EqualTo("No default permission for topic:anything"),
                "a SUB default does not allow a send");
            Assert.That(Check(table, Signed(Request(RequestCode.SendMessage, ("topic", "closed"), ("producerGroup", "PG")), "producer1", "producer-secret")),
                Is.EqualTo("No default permission for topic:closed"), "SEND_MESSAGE (V1) names its topic 'topic'");
            Assert.That(Check(table, Signed(Request(RequestCode.SendBatchMessage, ("a", "PG"), ("b", "closed")), "producer1", "producer-secret")),
                Is.EqualTo("No default permission for topic:closed"), "a batch is checked like a single send");
        });
    }

    [Test]
    public void A_pull_needs_subscribe_on_the_topic_and_the_group()
    {
        AclTable table = Table();
        RemotingCommand Pull(string topic, string group) => Request(RequestCode.PullMessage, ("consumerGroup", group), ("topic", topic), ("queueId", "0"));
        Assert.Multiple(() =>
        {
            Assert.That(Check(table, Signed(Pull("orders", "CG"), "consumer1", "consumer-secret")), Is.Null);
            Assert.That(Check(table, Signed(Pull("orders", "blocked"), "consumer1", "consumer-secret")), Is.EqualTo("No default permission for group:blocked"));
            Assert.That(Check(table, Signed(Pull("orders", "CG"), "producer1", "producer-secret")), Is.EqualTo("No default permission for topic:orders"),
                "PUB on a topic does not allow pulling it");
            Assert.That(Check(table, Signed(Pull("orders", "CG"), "reader1", "reader-secret")), Is.Null, "the group's own entry");
            Assert.That(Check(table, Signed(Pull("orders", "CG2"), "reader1", "reader-secret")), Is.EqualTo("No default permission for group:CG2"),
                "an unlisted group gets the group default, not the topic default");
        });
    }

    [Test]
    public void A_heartbeat_needs_subscribe_on_every_group_and_subscribed_topic_it_carries()
    {
        var heartbeat = new HeartbeatData
        {
            ClientId = "c1",
            ConsumerDataSet = { new ConsumerData { GroupName = "CG", SubscriptionDataSet = { new SubscriptionData { Topic = "orders", SubString = "*" } } } },
        };
        RemotingCommand Beat(HeartbeatData data)
        {
            RemotingCommand request = Request(RequestCode.HeartBeat);
            request.SetBody(data.Encode());
            return request;
        }
        AclTable table = Table();
        Assert.Multiple(() =>
        {
            Assert.That(Check(table, Signed(Beat(heartbeat), "consumer1", "consumer-secret")), Is.Null);
            Assert.That(Check(table, Signed(Beat(heartbeat), "producer1", "producer-secret")), Does.StartWith("No default permission for"));
            heartbeat.ConsumerDataSet[0].GroupName = "blocked";
            Assert.That(Check(table, Signed(Beat(heartbeat), "consumer1", "consumer-secret")), Is.EqualTo("No default permission for group:blocked"));
        });
    }

    [Test]
    public void Admin_commands_need_an_admin_account_and_an_admin_without_entries_may_do_anything()
    {
        AclTable table = Table();
        RemotingCommand CreateTopic() => Request(RequestCode.UpdateAndCreateTopic, ("topic", "new"), ("readQueueNums", "4"), ("writeQueueNums", "4"));
        Assert.Multiple(() =>
        {
            Assert.That(Check(table, Signed(CreateTopic(), "producer1", "producer-secret")),
                Is.EqualTo($"Need admin permission for request code={RequestCode.UpdateAndCreateTopic}, but accessKey=producer1 is not"));
            Assert.That(Check(table, Signed(CreateTopic(), "operator", "operator-secret")), Is.Null);
            Assert.That(Check(table, Signed(Request(RequestCode.DeleteAclConfig, ("accessKey", "producer1")), "consumer1", "consumer-secret")),
                Does.StartWith("Need admin permission"), "changing accounts is an admin command here");
            Assert.That(Check(table, Signed(SendV2("anything"), "operator", "operator-secret")), Is.Null);
        });
    }

    [Test]
    public void Trace_records_may_be_published_without_a_grant_on_the_trace_topic()
    {
        Assert.That(Check(Table(), Signed(SendV2("RMQ_SYS_TRACE_TOPIC"), "producer1", "producer-secret")), Is.Null);
    }

    [Test]
    public void White_listed_addresses_skip_the_checks()
    {
        AclTable table = Table(c => c.GlobalWhiteAddrs.Add("192.168.7.*"));
        var whiteListed = new IPEndPoint(IPAddress.Parse("192.168.7.20"), 1);
        var elsewhere = new IPEndPoint(IPAddress.Parse("172.16.0.1"), 1);
        Assert.Multiple(() =>
        {
            Assert.That(Check(table, SendV2("closed"), whiteListed), Is.Null, "the global list admits anything, unsigned");
            Assert.That(Check(table, Request(RequestCode.SendMessageV2, ("AccessKey", "trusted"), ("a", "PG"), ("b", "x"))), Is.Null,
                "an account's own list admits it from there without a signature");
            Assert.That(Check(table, Request(RequestCode.SendMessageV2, ("AccessKey", "trusted"), ("a", "PG"), ("b", "x")), elsewhere),
                Is.EqualTo("Check signature failed for accessKey=trusted"));
        });
    }

    [Test]
    public void Accounts_the_broker_cannot_use_are_refused_when_compiled()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Table(c => c.PlainAccessConfigs.Add(new PlainAccessConfig { AccessKey = "short", SecretKey = "long-enough" })),
                Throws.InstanceOf<FormatException>().With.Message.Contains("longer than 6"));
            Assert.That(() => Table(c => c.PlainAccessConfigs.Add(new PlainAccessConfig { AccessKey = "producer1", SecretKey = "another-secret" })),
                Throws.InstanceOf<FormatException>().With.Message.Contains("twice"));
            Assert.That(() => Table(c => c.PlainAccessConfigs[0].TopicPerms.Add("no-permission-given")),
                Throws.InstanceOf<FormatException>().With.Message.Contains("no-permission-given"));
        });
    }

    [Test]
    public void Concurrent_checks_share_the_accounts_pooled_keyed_hashes_without_mixing_them_up()
    {
        AclTable table = Table();
        int refused = 0;
        int wronglyAdmitted = 0;
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            (string key, string secret) = (i % 3) switch
            {
                0 => ("producer1", "producer-secret"),
                1 => ("consumer1", "consumer-secret"),
                _ => ("producer1", "consumer-secret"),
            };
            RemotingCommand request = Request(RequestCode.PullMessage, ("consumerGroup", "CG"), ("topic", "audit"), ("queueOffset", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            string? result = Check(table, Signed(request, key, secret));
            bool forged = i % 3 == 2;
            if (forged && result is null)
            {
                Interlocked.Increment(ref wronglyAdmitted);
            }
            else if (!forged && result is not null && !result.StartsWith("No default permission", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref refused);
            }
        });
        Assert.Multiple(() =>
        {
            Assert.That(refused, Is.Zero, "a correctly signed request failed its signature check");
            Assert.That(wronglyAdmitted, Is.Zero, "a request signed with another account's secret passed");
        });
    }
}
