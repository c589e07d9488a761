using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>String key/value table (RocketMQ <c>KVTable</c>): GET_KVLIST_BY_NAMESPACE, REGISTER_BROKER response, broker runtime info.</summary>
public sealed class KVTable : JsonBody
{
    /// <summary>Entries.</summary>
    public Dictionary<string, string> Table { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static KVTable Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static KVTable Read(ref FastJsonReader reader)
    {
        var d = new KVTable();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, KVTable d) =>
        {
            if (name == "table")
            {
                d.Table = JsonBodyReader.ReadStringMap(ref r, JsonBodyReader.ReadNonNullString);
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
        writer.WritePropertyName("table"u8);
        StringMaps.Write(writer, Table);
        writer.WriteEndObject();
    }
}
