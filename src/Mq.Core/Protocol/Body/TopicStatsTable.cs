using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_TOPIC_STATS_INFO body (RocketMQ <c>TopicStatsTable</c>): queue → bounds, queues as object keys.</summary>
public sealed class TopicStatsTable : JsonBody
{
    /// <summary>Queue → min/max offsets.</summary>
    public Dictionary<MessageQueue, TopicOffset> OffsetTable { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static TopicStatsTable Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static TopicStatsTable Read(ref FastJsonReader reader)
    {
        var d = new TopicStatsTable();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, TopicStatsTable d) =>
        {
            if (name == "offsettable")
            {
                d.OffsetTable = QueueKeyedMap.Read(ref r, TopicOffset.Read);
            }
            else
            {
                r.SkipValue();
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("offsetTable"u8);
        QueueKeyedMap.Write(writer, OffsetTable, static (w, v) => v.Write(w));
        writer.WriteEndObject();
    }
}
