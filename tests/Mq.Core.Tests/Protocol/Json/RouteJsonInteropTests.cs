using System.Text;
using System.Text.Json;
using Mq.Protocol.Body;
using Mq.Protocol.Json;
using Mq.TestKit;

namespace Mq.Tests.Protocol.Json;

/// <summary>
/// The route JSON we write must parse under each client's rules (remoting-protocol.md §2.2): Java
/// (fastjson, lenient), Go (brokerAddrs as raw text split on ',' then the first ':'), ali-ons (JS object
/// parsing; standard JSON is a subset).
/// </summary>
public sealed class RouteJsonInteropTests
{
    private static TopicRouteData SampleRoute() => new()
    {
        BrokerDatas =
        {
            new BrokerData { BrokerName = "broker-a", Cluster = "DefaultCluster", BrokerAddrs = { [0] = "10.0.0.1:10911", [1] = "10.0.0.2:10911", [2] = "10.0.0.3:10911" } },
            new BrokerData { BrokerName = "broker-b", Cluster = "DefaultCluster", BrokerAddrs = { [1] = "10.0.1.2:10911" } },
        },
        QueueDatas =
        {
            new QueueData { BrokerName = "broker-a", Perm = 6, ReadQueueNums = 4, WriteQueueNums = 4 },
            new QueueData { BrokerName = "broker-b", Perm = 6, ReadQueueNums = 8, WriteQueueNums = 8 },
        },
    };

    /// <summary>rocketmq-client-go internal/route.go TopicRouteData.decode, restated.</summary>
    private static Dictionary<long, string> GoBrokerAddrs(string rawBrokerAddrs)
    {
        var result = new Dictionary<long, string>();
        foreach (string item in rawBrokerAddrs[1..^1].Split(','))
        {
            int i = item.IndexOf(':', StringComparison.Ordinal);
            if (i < 0)
            {
                continue;
            }
            string idText = item[..i].Replace("\"", string.Empty, StringComparison.Ordinal);
            long id = long.TryParse(idText, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out long parsed) ? parsed : 0; // strconv.ParseInt: no spaces; Go ignores the error: id 0
            result[id] = item[(i + 1)..].Replace("\"", string.Empty, StringComparison.Ordinal);
        }
        return result;
    }

    /// <summary>The raw text of every brokerAddrs object, as gjson's <c>.String()</c> returns it.</summary>
    private static List<string> RawBrokerAddrs(byte[] json)
    {
        var list = new List<string>();
        var r = new FastJsonReader(json);
        r.ReadStartObject();
        while (r.NextMember())
        {
            if (r.ReadPropertyName() != "brokerdatas")
            {
                r.SkipValue();
                continue;
            }
            r.ReadStartArray();
            while (r.NextElement())
            {
                r.ReadStartObject();
                while (r.NextMember())
                {
                    if (r.ReadPropertyName() == "brokeraddrs")
                    {
                        list.Add(r.ReadString()!);
                    }
                    else
                    {
                        r.SkipValue();
                    }
                }
            }
        }
        return list;
    }

    [TestCase(JsonKeyStyle.Quoted)]
    [TestCase(JsonKeyStyle.Unquoted)]
    public void GoClientExtractionYieldsEveryIdAndAddress(JsonKeyStyle style)
    {
        TopicRouteData route = SampleRoute();
        byte[] json = route.Encode(style);
        Assert.That(json, Does.Not.Contain((byte)' '), "Go breaks on any whitespace");
        List<string> raw = RawBrokerAddrs(json);
        Assert.That(raw, Has.Count.EqualTo(2));
        for (int i = 0; i < raw.Count; i++)
        {
            Assert.That(GoBrokerAddrs(raw[i]), Is.EquivalentTo(route.BrokerDatas[i].BrokerAddrs), raw[i]);
        }
    }

    [Test]
    public void GoEmulationIsSensitiveToWhitespace()
    {
        // Guard: the emulation must reproduce the known failure, or the test above proves nothing.
        Dictionary<long, string> parsed = GoBrokerAddrs("{\"0\":\"a:1\", \"1\":\"b:2\"}");
        Assert.That(parsed.ContainsKey(1), Is.False);
        Assert.That(parsed[0], Is.EqualTo("b:2"));
    }

    [Test]
    public void StandardStyleIsStrictJsonForAliOnsAndOtherStrictParsers()
    {
        TopicRouteData route = SampleRoute();
        route.OrderTopicConf = "broker-a:4";
        using JsonDocument doc = JsonDocument.Parse(route.Encode(JsonKeyStyle.Quoted));
        JsonElement first = doc.RootElement.GetProperty("brokerDatas")[0];
        Assert.That(first.GetProperty("brokerAddrs").GetProperty("0").GetString(), Is.EqualTo("10.0.0.1:10911"));
        Assert.That(doc.RootElement.GetProperty("queueDatas")[1].GetProperty("topicSysFlag").GetInt32(), Is.EqualTo(0));
        Assert.That(doc.RootElement.GetProperty("filterServerTable").EnumerateObject(), Is.Empty);
        Assert.That(doc.RootElement.GetProperty("orderTopicConf").GetString(), Is.EqualTo("broker-a:4"));
        string[] names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(names, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal), "alphabetical like fastjson");
    }

    [TestCase(JsonKeyStyle.Quoted)]
    [TestCase(JsonKeyStyle.Unquoted)]
    public void JavaStyleLenientParseRoundTrips(JsonKeyStyle style)
    {
        TopicRouteData route = SampleRoute();
        TopicRouteData back = TopicRouteData.Decode(route.Encode(style));
        Assert.That(back.BrokerDatas[0].BrokerAddrs, Is.EquivalentTo(route.BrokerDatas[0].BrokerAddrs));
        Assert.That(back.QueueDatas, Is.EqualTo(route.QueueDatas));
        Assert.That(back.Encode(style), Is.EqualTo(route.Encode(style)));
    }

    [Test]
    public void GoldenRouteResponseFromRocketMq497Capture()
    {
        byte[] pcap = TestData.Read("captures/rmq_4.9.7.pcap");
        int start = pcap.AsSpan().IndexOf("{\"brokerDatas\""u8);
        Assert.That(start, Is.GreaterThanOrEqualTo(0));

        var reader = new FastJsonReader(pcap.AsSpan(start));
        TopicRouteData route = TopicRouteData.Read(ref reader); // the frame ends where the JSON value does

        Assert.That(route.BrokerDatas.Select(b => b.BrokerName), Is.EquivalentTo(new[] { "broker-a", "broker-b", "broker-c", "broker-d" }));
        BrokerData a = route.BrokerDatas.Single(b => b.BrokerName == "broker-a");
        Assert.That(a.BrokerAddrs[0], Is.EqualTo("10.9.15.40:10911"));
        Assert.That(a.Cluster, Is.EqualTo("DefaultCluster"));
        Assert.That(route.QueueDatas, Has.Count.EqualTo(4));
        Assert.That(route.QueueDatas.All(q => q.Perm == 6 && q.ReadQueueNums == 10 && q.WriteQueueNums == 10 && q.TopicSysFlag == 0));

        // What we write for it parses back to the same route, and Go's extraction agrees.
        byte[] ours = route.Encode(JsonKeyStyle.Unquoted);
        Assert.That(TopicRouteData.Decode(ours).BrokerDatas.Single(b => b.BrokerName == "broker-a").BrokerAddrs[0], Is.EqualTo("10.9.15.40:10911"));
        Assert.That(GoBrokerAddrs(RawBrokerAddrs(ours)[3])[0], Is.EqualTo("10.9.15.40:10911"));

        string originalText = Encoding.UTF8.GetString(pcap, start, reader.Position);
        Assert.That(Encoding.UTF8.GetString(ours), Is.EqualTo(originalText.Replace("topicSynFlag", "topicSysFlag", StringComparison.Ordinal)),
            "byte-identical to 4.9.7's fastjson output apart from the flag's spelling");
    }

    [Test]
    public void GoldenHeartbeatFromTheCaptureWithPascalCaseNames()
    {
        byte[] pcap = TestData.Read("captures/rmq_4.9.7.pcap");
        int start = pcap.AsSpan().IndexOf("{\"ClientID\""u8);
        Assert.That(start, Is.GreaterThanOrEqualTo(0));
        var reader = new FastJsonReader(pcap.AsSpan(start));
        HeartbeatData hb = HeartbeatData.Read(ref reader);
        Assert.That(hb.ClientId, Is.EqualTo("10.7.69.205@63284"));
        Assert.That(hb.ConsumerDataSet, Is.Empty);
        Assert.That(hb.ProducerDataSet.Select(p => p.GroupName), Is.EqualTo(new[] { "DEFAULT_PRODUCER", "CLIENT_INNER_PRODUCER" }));
    }
}
