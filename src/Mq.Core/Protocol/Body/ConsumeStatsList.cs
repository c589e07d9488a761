using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// GET_BROKER_CONSUME_STATS body (RocketMQ <c>ConsumeStatsList</c>, <c>mqadmin brokerConsumeStats</c>): every group's
/// consume stats on one broker, and the total of messages not yet consumed.
/// </summary>
public sealed class ConsumeStatsList : JsonBody
{
    /// <summary>One map per subscription group (JSON <c>consumeStatsList</c>): group → its stats, one per topic.</summary>
    public List<Dictionary<string, List<ConsumeStats>>> GroupStats { get; set; } = [];

    /// <summary>The broker's address.</summary>
    public string? BrokerAddr { get; set; }

    /// <summary>Sum over every queue of broker offset minus consumer offset.</summary>
    public long TotalDiff { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ConsumeStatsList Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ConsumeStatsList Read(ref FastJsonReader reader)
    {
        var d = new ConsumeStatsList();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumeStatsList d) =>
        {
            switch (name)
            {
                case "brokeraddr": d.BrokerAddr = r.ReadString(); break;
                case "totaldiff": d.TotalDiff = r.ReadInt64(); break;
                case "consumestatslist":
                    d.GroupStats = JsonBodyReader.ReadList(ref r,
                        static (ref FastJsonReader item) => JsonBodyReader.ReadStringMap(ref item, static (ref FastJsonReader list) => JsonBodyReader.ReadList(ref list, ConsumeStats.Read)));
                    break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("brokerAddr"u8, BrokerAddr);
        writer.WritePropertyName("consumeStatsList"u8);
        writer.WriteStartArray();
        foreach (Dictionary<string, List<ConsumeStats>> groups in GroupStats)
        {
            writer.WriteStartObject();
            foreach (KeyValuePair<string, List<ConsumeStats>> group in groups)
            {
                writer.WriteMapKey(group.Key);
                writer.WriteStartArray();
                foreach (ConsumeStats stats in group.Value)
                {
                    stats.Write(writer);
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteNumber("totalDiff"u8, TotalDiff);
        writer.WriteEndObject();
    }
}
