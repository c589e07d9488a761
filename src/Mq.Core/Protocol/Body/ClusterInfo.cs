using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_BROKER_CLUSTER_INFO body (RocketMQ <c>ClusterInfo</c>).</summary>
public sealed class ClusterInfo : JsonBody
{
    /// <summary>brokerName → addresses.</summary>
    public Dictionary<string, BrokerData> BrokerAddrTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>clusterName → broker names.</summary>
    public Dictionary<string, HashSet<string>> ClusterAddrTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes a ClusterInfo.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ClusterInfo Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ClusterInfo Read(ref FastJsonReader reader)
    {
        var d = new ClusterInfo();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ClusterInfo d) =>
        {
            switch (name)
            {
                case "brokeraddrtable": d.BrokerAddrTable = JsonBodyReader.ReadStringMap(ref r, BrokerData.Read); break;
                case "clusteraddrtable": d.ClusterAddrTable = JsonBodyReader.ReadStringMap(ref r, JsonBodyReader.ReadStringSet); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("brokerAddrTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, BrokerData> e in BrokerAddrTable)
        {
            writer.WriteMapKey(e.Key);
            e.Value.Write(writer);
        }
        writer.WriteEndObject();
        writer.WritePropertyName("clusterAddrTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, HashSet<string>> e in ClusterAddrTable)
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
        writer.WriteEndObject();
    }
}
