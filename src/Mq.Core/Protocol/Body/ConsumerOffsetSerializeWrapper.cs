using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// Committed consumer offsets (RocketMQ <c>ConsumerOffsetSerializeWrapper</c> / <c>ConsumerOffsetManager</c>):
/// <c>topic@group</c> → queueId → next offset to consume. GET_ALL_CONSUMER_OFFSET body and consumerOffset.json.
/// </summary>
public sealed class ConsumerOffsetSerializeWrapper : JsonBody
{
    /// <summary><c>topic@group</c> → queueId → offset.</summary>
    public Dictionary<string, Dictionary<int, long>> OffsetTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes the offsets; reads fastjson's unquoted queue ids.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ConsumerOffsetSerializeWrapper Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ConsumerOffsetSerializeWrapper Read(ref FastJsonReader reader)
    {
        var d = new ConsumerOffsetSerializeWrapper();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumerOffsetSerializeWrapper d) =>
        {
            if (name == "offsettable")
            {
                d.OffsetTable = JsonBodyReader.ReadStringMap(ref r, IntLongMap.Read);
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
        writer.WriteStartObject();
        foreach (KeyValuePair<string, Dictionary<int, long>> e in OffsetTable)
        {
            writer.WriteMapKey(e.Key);
            IntLongMap.Write(writer, e.Value);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
