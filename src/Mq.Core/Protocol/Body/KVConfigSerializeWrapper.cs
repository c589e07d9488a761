using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>The NameServer's persisted KV config (RocketMQ <c>KVConfigSerializeWrapper</c>, kvConfig.json): namespace → key → value.</summary>
public sealed class KVConfigSerializeWrapper : JsonBody
{
    /// <summary>namespace → key → value.</summary>
    public Dictionary<string, Dictionary<string, string>> ConfigTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes the file content.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static KVConfigSerializeWrapper Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static KVConfigSerializeWrapper Read(ref FastJsonReader reader)
    {
        var d = new KVConfigSerializeWrapper();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, KVConfigSerializeWrapper d) =>
        {
            if (name == "configtable")
            {
                d.ConfigTable = JsonBodyReader.ReadStringMap(ref r, static (ref FastJsonReader r2) =>
                    JsonBodyReader.ReadStringMap(ref r2, JsonBodyReader.ReadNonNullString));
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
        writer.WritePropertyName("configTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, Dictionary<string, string>> e in ConfigTable)
        {
            writer.WriteMapKey(e.Key);
            StringMaps.Write(writer, e.Value);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
