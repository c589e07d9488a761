using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_CONSUME_STATS body (RocketMQ <c>ConsumeStats</c>): per-queue offsets of a group, queues as object keys.</summary>
public sealed class ConsumeStats : JsonBody
{
    /// <summary>Queue → offsets.</summary>
    public Dictionary<MessageQueue, OffsetWrapper> OffsetTable { get; set; } = [];

    /// <summary>Consumption rate (messages per second).</summary>
    public double ConsumeTps { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ConsumeStats Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ConsumeStats Read(ref FastJsonReader reader)
    {
        var d = new ConsumeStats();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumeStats d) =>
        {
            switch (name)
            {
                case "offsettable": d.OffsetTable = QueueKeyedMap.Read(ref r, OffsetWrapper.Read); break;
                case "consumetps": d.ConsumeTps = r.ReadDouble(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("consumeTps"u8, ConsumeTps);
        writer.WritePropertyName("offsetTable"u8);
        QueueKeyedMap.Write(writer, OffsetTable, static (w, v) => v.Write(w));
        writer.WriteEndObject();
    }
}
