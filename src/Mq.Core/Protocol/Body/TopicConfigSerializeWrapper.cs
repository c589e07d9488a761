using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>All topic configs of a broker with their version (RocketMQ <c>TopicConfigSerializeWrapper</c>); GET_ALL_TOPIC_CONFIG body.</summary>
public sealed class TopicConfigSerializeWrapper : JsonBody
{
    /// <summary>topicName → config.</summary>
    public Dictionary<string, TopicConfig> TopicConfigTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Version of the table.</summary>
    public DataVersion DataVersion { get; set; }

    /// <summary>Decodes a wrapper.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static TopicConfigSerializeWrapper Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static TopicConfigSerializeWrapper Read(ref FastJsonReader reader)
    {
        var d = new TopicConfigSerializeWrapper();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, TopicConfigSerializeWrapper d) =>
        {
            switch (name)
            {
                case "topicconfigtable": d.TopicConfigTable = JsonBodyReader.ReadStringMap(ref r, TopicConfig.Read); break;
                case "dataversion": d.DataVersion = DataVersion.Read(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("dataVersion"u8);
        DataVersion.Write(writer);
        writer.WritePropertyName("topicConfigTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, TopicConfig> e in TopicConfigTable)
        {
            writer.WriteMapKey(e.Key);
            e.Value.Write(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
