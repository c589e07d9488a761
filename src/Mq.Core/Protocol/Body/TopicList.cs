using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_ALL_TOPIC_LIST_FROM_NAMESERVER / GET_TOPICS_BY_CLUSTER body (RocketMQ <c>TopicList</c>).</summary>
public sealed class TopicList : JsonBody
{
    /// <summary>Topic names.</summary>
    public HashSet<string> Topics { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Optional broker address (system-topic queries); omitted when null.</summary>
    public string? BrokerAddr { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static TopicList Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static TopicList Read(ref FastJsonReader reader)
    {
        var d = new TopicList();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, TopicList d) =>
        {
            switch (name)
            {
                case "topiclist": d.Topics = JsonBodyReader.ReadStringSet(ref r); break;
                case "brokeraddr": d.BrokerAddr = r.ReadString(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("brokerAddr"u8, BrokerAddr);
        writer.WriteStringArray("topicList"u8, Topics);
        writer.WriteEndObject();
    }
}
