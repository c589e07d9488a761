using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_CONSUMER_LIST_BY_GROUP body (RocketMQ <c>GetConsumerListByGroupResponseBody</c>).</summary>
public sealed class GetConsumerListByGroupResponseBody : JsonBody
{
    /// <summary>Client ids of the group's live connections.</summary>
    public List<string> ConsumerIdList { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static GetConsumerListByGroupResponseBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static GetConsumerListByGroupResponseBody Read(ref FastJsonReader reader)
    {
        var d = new GetConsumerListByGroupResponseBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, GetConsumerListByGroupResponseBody d) =>
        {
            if (name == "consumeridlist")
            {
                d.ConsumerIdList = JsonBodyReader.ReadStringList(ref r);
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
        writer.WriteStringArray("consumerIdList"u8, ConsumerIdList);
        writer.WriteEndObject();
    }
}
