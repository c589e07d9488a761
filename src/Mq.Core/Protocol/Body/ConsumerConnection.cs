using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_CONSUMER_CONNECTION_LIST body (RocketMQ <c>ConsumerConnection</c>).</summary>
public sealed class ConsumerConnection : JsonBody
{
    /// <summary>Live connections of the group.</summary>
    public List<Connection> ConnectionSet { get; set; } = [];

    /// <summary>topic → subscription.</summary>
    public Dictionary<string, SubscriptionData> SubscriptionTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Pull or push.</summary>
    public ConsumeType? ConsumeType { get; set; }

    /// <summary>Clustering or broadcasting.</summary>
    public MessageModel? MessageModel { get; set; }

    /// <summary>Where the group starts.</summary>
    public ConsumeFromWhere? ConsumeFromWhere { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ConsumerConnection Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ConsumerConnection Read(ref FastJsonReader reader)
    {
        var d = new ConsumerConnection();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumerConnection d) =>
        {
            switch (name)
            {
                case "connectionset": d.ConnectionSet = JsonBodyReader.ReadList(ref r, Connection.Read); break;
                case "subscriptiontable": d.SubscriptionTable = JsonBodyReader.ReadStringMap(ref r, SubscriptionData.Read); break;
                case "consumetype": d.ConsumeType = JavaEnum<ConsumeType>.Read(ref r); break;
                case "messagemodel": d.MessageModel = JavaEnum<MessageModel>.Read(ref r); break;
                case "consumefromwhere": d.ConsumeFromWhere = JavaEnum<ConsumeFromWhere>.Read(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        Connection.WriteSet(writer, ConnectionSet);
        JavaEnum<ConsumeFromWhere>.Write(writer, "consumeFromWhere"u8, ConsumeFromWhere);
        JavaEnum<ConsumeType>.Write(writer, "consumeType"u8, ConsumeType);
        JavaEnum<MessageModel>.Write(writer, "messageModel"u8, MessageModel);
        writer.WritePropertyName("subscriptionTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, SubscriptionData> e in SubscriptionTable)
        {
            writer.WriteMapKey(e.Key);
            e.Value.Write(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
