using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>Delay-level progress (RocketMQ <c>DelayOffsetSerializeWrapper</c>): level → offset; GET_ALL_DELAY_OFFSET body and delayOffset.json.</summary>
public sealed class DelayOffsetSerializeWrapper : JsonBody
{
    /// <summary>Delay level (1-based) → consume-queue offset of SCHEDULE_TOPIC_XXXX queue level-1.</summary>
    public Dictionary<int, long> OffsetTable { get; set; } = [];

    /// <summary>Decodes the wrapper.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static DelayOffsetSerializeWrapper Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static DelayOffsetSerializeWrapper Read(ref FastJsonReader reader)
    {
        var d = new DelayOffsetSerializeWrapper();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, DelayOffsetSerializeWrapper d) =>
        {
            if (name == "offsettable")
            {
                d.OffsetTable = IntLongMap.Read(ref r);
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
        IntLongMap.Write(writer, OffsetTable);
        writer.WriteEndObject();
    }
}
