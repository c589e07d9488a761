using System.Text;
using System.Text.Json;
using Mq.Client;
using Mq.Testing;

namespace Mq.Tests.Interop;

/// <summary>
/// The npm client ali-ons (3.12.0, tests/interop) against our NameServer and Broker started by <see cref="MqCluster"/>.
/// Installs ali-ons on first use when node is present; skipped without node, except under CI (MQ_REQUIRE_INTEROP=1), where it fails.
/// </summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class AliOnsInteropTests
{
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(60);

    [SetUp]
    public void RequireClient() => NodeScript.RequireNodeAndAliOns();

    private static CancellationTokenSource Deadline() => new(ScenarioTimeout);

    private sealed record Outgoing(string Tags, string[] Keys, Dictionary<string, string> Properties, byte[] Body, string? ShardingKey = null);

    private static List<Outgoing> Messages(int count, int seed, int bodySize = 64)
    {
        var random = new Random(seed);
        var list = new List<Outgoing>();
        for (int i = 0; i < count; i++)
        {
            var body = new byte[bodySize + random.Next(16)];
            random.NextBytes(body);
            list.Add(new Outgoing(i % 2 == 0 ? "TagA" : "TagB", [$"key-{seed}-{i}", $"alt-{i}"],
                new Dictionary<string, string> { ["seq"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["city"] = "Zürich ✓", ["empty-ish"] = " " },
                body));
        }
        return list;
    }

    private static string ToJson(IEnumerable<Outgoing> messages) => JsonSerializer.Serialize(messages.Select(m => new
    {
        tags = m.Tags,
        keys = m.Keys,
        properties = m.Properties,
        body = Convert.ToBase64String(m.Body),
        shardingKey = m.ShardingKey,
    }));

    private static async Task<List<JsonElement>> ProduceAsync(string nameSrv, string topic, IReadOnlyList<Outgoing> messages, CancellationToken deadline,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        await using NodeScript producer = NodeScript.Start("produce.js", environment, nameSrv, topic, "PID_interop");
        await producer.WriteStdinAndCloseAsync(ToJson(messages));
        var sent = new List<JsonElement>();
        await producer.WaitForAsync("done", deadline, line => sent.Add(line));
        Assert.That(sent, Has.Count.EqualTo(messages.Count), producer.Stderr);
        foreach (JsonElement s in sent)
        {
            Assert.That(s.GetProperty("status").GetString(), Is.EqualTo("SEND_OK"));
        }
        return sent;
    }

    private static Task<NodeScript> StartConsumerAsync(string nameSrv, string topic, string group, CancellationToken deadline, params string[] extra) =>
        StartConsumerAsync(nameSrv, topic, group, deadline, null, extra);

    private static async Task<NodeScript> StartConsumerAsync(string nameSrv, string topic, string group, CancellationToken deadline,
        IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        NodeScript consumer = NodeScript.Start("consume.js", environment, [nameSrv, topic, group, .. extra]);
        await consumer.WaitForAsync("ready", deadline);
        return consumer;
    }

    /// <summary>Collects "message" lines until <paramref name="count"/> arrived.</summary>
    private static async Task<List<JsonElement>> ReceiveAsync(NodeScript consumer, int count, CancellationToken deadline, string kind = "message")
    {
        var received = new List<JsonElement>();
        while (received.Count < count)
        {
            JsonElement line = await consumer.NextAsync(deadline);
            if (line.GetProperty("event").GetString() == kind)
            {
                received.Add(line);
            }
        }
        return received;
    }

    private static void AssertSame(Outgoing expected, JsonElement actual, string topic)
    {
        Assert.Multiple(() =>
        {
            Assert.That(actual.GetProperty("topic").GetString(), Is.EqualTo(topic));
            Assert.That(Convert.FromBase64String(actual.GetProperty("body").GetString()!), Is.EqualTo(expected.Body));
            Assert.That(actual.GetProperty("tags").GetString(), Is.EqualTo(expected.Tags));
            Assert.That(actual.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), Is.EqualTo(expected.Keys));
            JsonElement props = actual.GetProperty("properties");
            foreach ((string key, string value) in expected.Properties)
            {
                Assert.That(props.TryGetProperty(key, out JsonElement v) ? v.GetString() : null, Is.EqualTo(value), key);
            }
        });
    }

    private static Outgoing Match(IReadOnlyList<Outgoing> sent, JsonElement received) =>
        sent[int.Parse(received.GetProperty("properties").GetProperty("seq").GetString()!, System.Globalization.CultureInfo.InvariantCulture)];

    [Test]
    public async Task AliOnsProducerToAliOnsConsumer_TagsKeysPropertiesAndBodyKept()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("InteropBasic", 4);
        await using NodeScript consumer = await StartConsumerAsync(cluster.NameServerAddress, "InteropBasic", "CID_basic", deadline.Token);
        List<Outgoing> sent = Messages(20, seed: 1);
        List<JsonElement> receipts = await ProduceAsync(cluster.NameServerAddress, "InteropBasic", sent, deadline.Token);

        List<JsonElement> received = await ReceiveAsync(consumer, sent.Count, deadline.Token);

        Assert.That(received.Select(r => r.GetProperty("msgId").GetString()).Distinct().Count(), Is.EqualTo(sent.Count));
        Assert.That(received.Select(r => r.GetProperty("msgId").GetString()), Is.EquivalentTo(receipts.Select(r => r.GetProperty("msgId").GetString())));
        foreach (JsonElement r in received)
        {
            AssertSame(Match(sent, r), r, "InteropBasic");
        }
    }

    [Test]
    public async Task AliOnsClientsSigningWithTheirOwnSigner_PassOurBrokersAcl_AndAWrongSecretIsRefused()
    {
        using CancellationTokenSource deadline = Deadline();
        using var logs = new Mq.TestKit.Logging.RecordingLoggerFactory();
        await using MqCluster cluster = await MqCluster.StartAsync(c =>
        {
            c.LoggerFactory = logs;
            c.ConfigureBroker = o =>
            {
                o.AclEnable = true;
                o.Acl = new Mq.Protocol.Body.AclConfig
                {
                    PlainAccessConfigs =
                    {
                        new() { AccessKey = "ons-producer", SecretKey = "producer-secret", DefaultTopicPerm = "DENY", TopicPerms = ["InteropAcl=PUB"] },
                        new() { AccessKey = "ons-consumer", SecretKey = "consumer-secret", DefaultTopicPerm = "SUB", DefaultGroupPerm = "SUB" },
                        new() { AccessKey = "fixture-admin", SecretKey = "fixture-secret", Admin = true },
                    },
                };
            };
        });
        await cluster.CreateTopicAsync("InteropAcl", 2);
        await using NodeScript consumer = await StartConsumerAsync(cluster.NameServerAddress, "InteropAcl", "CID_acl", deadline.Token,
            Keys("ons-consumer", "consumer-secret"));
        List<Outgoing> sent = Messages(6, seed: 7);
        await ProduceAsync(cluster.NameServerAddress, "InteropAcl", sent, deadline.Token, Keys("ons-producer", "producer-secret"));

        List<JsonElement> received = await ReceiveAsync(consumer, sent.Count, deadline.Token);

        foreach (JsonElement r in received)
        {
            AssertSame(Match(sent, r), r, "InteropAcl");
        }
        await using NodeScript forger = NodeScript.Start("produce.js", Keys("ons-producer", "guessed-secret"), cluster.NameServerAddress, "InteropAcl", "PID_forger");
        await forger.WriteStdinAndCloseAsync(ToJson(Messages(1, seed: 8)));
        Assert.That(await forger.WaitForExitAsync(deadline.Token), Is.Not.Zero, "the send with a wrong secret fails");
        // ali-ons's final error names only the attempts (it retries SYSTEM_ERROR silently); the broker logs why it refused.
        Assert.That(logs.Entries.Select(e => e.Message), Has.Some.Contains("Check signature failed for accessKey=ons-producer"));
    }

    private static Dictionary<string, string> Keys(string accessKey, string secretKey) => new()
    {
        ["MQ_ACCESS_KEY"] = accessKey,
        ["MQ_SECRET_KEY"] = secretKey,
    };

    [Test]
    public async Task DotNetProducerToAliOnsConsumer_TagsKeysPropertiesAndBodyKept()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("InteropDotNet", 4);
        await using NodeScript consumer = await StartConsumerAsync(cluster.NameServerAddress, "InteropDotNet", "CID_dotnet", deadline.Token);
        List<Outgoing> sent = Messages(10, seed: 2);
        await using (var producer = new Producer(new ProducerOptions { ProducerGroup = "PID_dotnet", NameServerAddresses = [cluster.NameServerAddress] }))
        {
            await producer.StartAsync(deadline.Token);
            foreach (Outgoing o in sent)
            {
                var message = new Message("InteropDotNet", o.Tags, string.Join(' ', o.Keys), o.Body);
                foreach ((string k, string v) in o.Properties)
                {
                    message.SetProperty(k, v);
                }
                SendResult result = await producer.SendAsync(message, deadline.Token);
                Assert.That(result.Status, Is.EqualTo(SendStatus.SendOk));
            }
        }

        List<JsonElement> received = await ReceiveAsync(consumer, sent.Count, deadline.Token);

        foreach (JsonElement r in received)
        {
            AssertSame(Match(sent, r), r, "InteropDotNet");
        }
    }

    [Test]
    public async Task TwoConsumersInOneGroup_ShareTheQueues_EachMessageConsumedOnce()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("InteropShared", 4);
        await using NodeScript first = await StartConsumerAsync(cluster.NameServerAddress, "InteropShared", "CID_shared", deadline.Token, "--instance", "one");
        await using NodeScript second = await StartConsumerAsync(cluster.NameServerAddress, "InteropShared", "CID_shared", deadline.Token, "--instance", "two");
        // Wait until the rebalance gives each consumer two of the four queues, disjoint.
        HashSet<string> a = [], b = [];
        while (a.Count != 2 || b.Count != 2 || a.Overlaps(b))
        {
            await DrainAssignmentsAsync(first, a, deadline.Token);
            await DrainAssignmentsAsync(second, b, deadline.Token);
        }
        List<Outgoing> sent = Messages(40, seed: 3);
        await ProduceAsync(cluster.NameServerAddress, "InteropShared", sent, deadline.Token);

        var byFirst = new List<JsonElement>();
        var bySecond = new List<JsonElement>();
        while (byFirst.Count + bySecond.Count < sent.Count)
        {
            await CollectAsync(first, byFirst, deadline.Token);
            await CollectAsync(second, bySecond, deadline.Token);
        }

        string?[] all = [.. byFirst.Concat(bySecond).Select(r => r.GetProperty("msgId").GetString())];
        Assert.Multiple(() =>
        {
            Assert.That(all, Is.Unique);
            Assert.That(all, Has.Length.EqualTo(sent.Count));
            Assert.That(byFirst, Is.Not.Empty);
            Assert.That(bySecond, Is.Not.Empty);
        });
    }

    private static async Task DrainAssignmentsAsync(NodeScript consumer, HashSet<string> assigned, CancellationToken deadline)
    {
        using var step = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        step.CancelAfter(TimeSpan.FromMilliseconds(200));
        while (true)
        {
            JsonElement line;
            try
            {
                if (!consumer.TryRead(out line))
                {
                    await Task.Delay(20, step.Token);
                    continue;
                }
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                return;
            }
            if (line.GetProperty("event").GetString() == "assigned")
            {
                assigned.Clear();
                assigned.UnionWith(line.GetProperty("queues").EnumerateArray().Select(q => q.GetString()!));
            }
            deadline.ThrowIfCancellationRequested();
        }
    }

    private static async Task CollectAsync(NodeScript consumer, List<JsonElement> into, CancellationToken deadline)
    {
        if (consumer.TryRead(out JsonElement line))
        {
            if (line.GetProperty("event").GetString() == "message")
            {
                into.Add(line);
            }
            return;
        }
        await Task.Delay(10, deadline);
    }

    [Test]
    public async Task Broadcast_EveryConsumerReceivesEveryMessage()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("InteropBroadcast", 4);
        await using NodeScript first = await StartConsumerAsync(cluster.NameServerAddress, "InteropBroadcast", "CID_bc", deadline.Token, "--broadcast", "--instance", "b1");
        await using NodeScript second = await StartConsumerAsync(cluster.NameServerAddress, "InteropBroadcast", "CID_bc", deadline.Token, "--broadcast", "--instance", "b2");
        List<Outgoing> sent = Messages(12, seed: 4);
        await ProduceAsync(cluster.NameServerAddress, "InteropBroadcast", sent, deadline.Token);

        List<JsonElement> one = await ReceiveAsync(first, sent.Count, deadline.Token);
        List<JsonElement> two = await ReceiveAsync(second, sent.Count, deadline.Token);

        Assert.That(one.Select(r => r.GetProperty("msgId").GetString()), Is.EquivalentTo(two.Select(r => r.GetProperty("msgId").GetString())));
        Assert.That(one.Select(r => r.GetProperty("msgId").GetString()), Is.Unique);
    }

    [Test]
    public async Task OrderedByShardingKey_EachKeyOnOneQueue_InSendOrder()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("InteropOrdered", 4);
        await using NodeScript consumer = await StartConsumerAsync(cluster.NameServerAddress, "InteropOrdered", "CID_order", deadline.Token);
        string[] keys = ["order-1", "order-2", "order-3", "order-4"];
        var sent = new List<Outgoing>();
        for (int i = 0; i < 40; i++)
        {
            string key = keys[i % keys.Length];
            sent.Add(new Outgoing("TagO", [key], new Dictionary<string, string> { ["seq"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["shard"] = key },
                Encoding.UTF8.GetBytes($"{key}:{i}"), key));
        }
        List<JsonElement> receipts = await ProduceAsync(cluster.NameServerAddress, "InteropOrdered", sent, deadline.Token);

        List<JsonElement> received = await ReceiveAsync(consumer, sent.Count, deadline.Token);

        foreach (string key in keys)
        {
            string[] queues = [.. receipts.Where((_, i) => sent[i].ShardingKey == key).Select(r => r.GetProperty("queueId").ToString()).Distinct()];
            Assert.That(queues, Has.Length.EqualTo(1), $"all messages of {key} go to one queue");
            int[] order = [.. received.Where(r => r.GetProperty("properties").GetProperty("shard").GetString() == key)
                .Select(r => int.Parse(r.GetProperty("properties").GetProperty("seq").GetString()!, System.Globalization.CultureInfo.InvariantCulture))];
            Assert.That(order, Is.Ordered, $"consumption order of {key}");
            Assert.That(order, Has.Length.EqualTo(10));
        }
    }

    [Test]
    public async Task FailingConsume_IsRedeliveredThroughTheRetryTopic()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync(o => o.ConfigureBroker = b =>
            b.MessageDelayLevel = "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s");
        await cluster.CreateTopicAsync("InteropRetry", 2);
        await using NodeScript consumer = await StartConsumerAsync(cluster.NameServerAddress, "InteropRetry", "CID_retry", deadline.Token, "--fail-first-times", "1");
        List<Outgoing> sent = Messages(3, seed: 5);
        List<JsonElement> receipts = await ProduceAsync(cluster.NameServerAddress, "InteropRetry", sent, deadline.Token);

        List<JsonElement> redelivered = await ReceiveAsync(consumer, sent.Count, deadline.Token);

        Assert.That(cluster.Brokers[0].Node!.Topics.Find("%RETRY%CID_retry"), Is.Not.Null, "the retry topic exists on the broker");
        foreach (JsonElement r in redelivered)
        {
            Assert.Multiple(() =>
            {
                Assert.That(r.GetProperty("attempt").GetInt32(), Is.EqualTo(2));
                Assert.That(r.GetProperty("reconsumeTimes").GetInt32(), Is.EqualTo(1));
                Assert.That(r.GetProperty("properties").GetProperty("RETRY_TOPIC").GetString(), Is.EqualTo("InteropRetry"));
            });
            AssertSame(Match(sent, r), r, "InteropRetry");
        }
        Assert.That(redelivered.Select(r => r.GetProperty("properties").GetProperty("ORIGIN_MESSAGE_ID").GetString()),
            Is.EquivalentTo(receipts.Select(r => r.GetProperty("msgId").GetString())));
    }

    [Test]
    public async Task OneMebibyteBody_CompressedByTheClient_ArrivesIntact()
    {
        using CancellationTokenSource deadline = Deadline();
        await using MqCluster cluster = await MqCluster.StartAsync();
        await cluster.CreateTopicAsync("InteropLarge", 1);
        await using NodeScript consumer = await StartConsumerAsync(cluster.NameServerAddress, "InteropLarge", "CID_large", deadline.Token);
        var random = new Random(6);
        var body = new byte[1024 * 1024];
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = (byte)('a' + random.Next(8));
        }
        var sent = new List<Outgoing> { new("TagL", ["big"], new Dictionary<string, string> { ["seq"] = "0" }, body) };
        await ProduceAsync(cluster.NameServerAddress, "InteropLarge", sent, deadline.Token);

        List<JsonElement> received = await ReceiveAsync(consumer, 1, deadline.Token);

        Assert.That(received[0].GetProperty("bodyLength").GetInt32(), Is.EqualTo(body.Length));
        AssertSame(sent[0], received[0], "InteropLarge");
    }
}
