using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// GET_ROUTEINFO_BY_TOPIC body (RocketMQ <c>TopicRouteData</c>, remoting-protocol.md §2.3). Write it with
/// <see cref="JsonKeyStyle.Quoted"/> for requesters of version ≥ 401 or with <c>acceptStandardJsonOnly</c>,
/// and either style otherwise (both parse in the Java, Go and ali-ons clients).
/// </summary>
public sealed class TopicRouteData : JsonBody
{
    /// <summary><c>brokerName:queueCount;…</c> from the ORDER_TOPIC_CONFIG namespace, or null.</summary>
    public string? OrderTopicConf { get; set; }

    /// <summary>Queues per broker name.</summary>
    public List<QueueData> QueueDatas { get; set; } = [];

    /// <summary>Addresses per broker name.</summary>
    public List<BrokerData> BrokerDatas { get; set; } = [];

    /// <summary>brokerAddr → filter server addresses (always empty in 4.9 practice).</summary>
    public Dictionary<string, List<string>> FilterServerTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes a route; reads unquoted keys and <c>topicSynFlag</c>.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static TopicRouteData Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static TopicRouteData Read(ref FastJsonReader reader)
    {
        var d = new TopicRouteData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, TopicRouteData d) =>
        {
            switch (name)
            {
                case "ordertopicconf": d.OrderTopicConf = r.ReadString(); break;
                case "queuedatas": d.QueueDatas = JsonBodyReader.ReadList(ref r, QueueData.Read); break;
                case "brokerdatas": d.BrokerDatas = JsonBodyReader.ReadList(ref r, BrokerData.Read); break;
                case "filterservertable": d.FilterServerTable = JsonBodyReader.ReadStringMap(ref r, JsonBodyReader.ReadStringList); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("brokerDatas"u8);
        writer.WriteStartArray();
        foreach (BrokerData b in BrokerDatas)
        {
            b.Write(writer);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("filterServerTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, List<string>> e in FilterServerTable)
        {
            writer.WriteMapKey(e.Key);
            writer.WriteStartArray();
            foreach (string s in e.Value)
            {
                writer.WriteStringValue(s);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteString("orderTopicConf"u8, OrderTopicConf);
        writer.WritePropertyName("queueDatas"u8);
        writer.WriteStartArray();
        foreach (QueueData q in QueueDatas)
        {
            q.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
