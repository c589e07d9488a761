using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>RESET_CONSUMER_CLIENT_OFFSET body (RocketMQ <c>ResetOffsetBody</c>): queue → offset, queues as object keys.</summary>
public sealed class ResetOffsetBody : JsonBody
{
    /// <summary>Queue → new offset.</summary>
    public Dictionary<MessageQueue, long> OffsetTable { get; set; } = [];

    /// <summary>Decodes the body (object keys bare, or as JSON text inside quotes).</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ResetOffsetBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ResetOffsetBody Read(ref FastJsonReader reader)
    {
        var d = new ResetOffsetBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ResetOffsetBody d) =>
        {
            if (name == "offsettable")
            {
                d.OffsetTable = QueueKeyedMap.Read(ref r, JsonBodyReader.ReadInt64);
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
        QueueKeyedMap.Write(writer, OffsetTable, static (w, v) => w.WriteNumberValue(v));
        writer.WriteEndObject();
    }
}
