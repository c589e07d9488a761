using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// GET_CONSUMER_STATUS_FROM_CLIENT answer and INVOKE_BROKER_TO_GET_CONSUMER_STATUS body (RocketMQ
/// <c>GetConsumerStatusBody</c>): one consumer's offsets of a topic, or every consumer's by client id.
/// </summary>
public sealed class GetConsumerStatusBody : JsonBody
{
    /// <summary>One consumer's offsets (its answer to the broker).</summary>
    public Dictionary<MessageQueue, long> MessageQueueTable { get; set; } = [];

    /// <summary>Client id → its offsets (the broker's answer to an admin tool).</summary>
    public Dictionary<string, Dictionary<MessageQueue, long>> ConsumerTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static GetConsumerStatusBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static GetConsumerStatusBody Read(ref FastJsonReader reader)
    {
        var d = new GetConsumerStatusBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, GetConsumerStatusBody d) =>
        {
            switch (name)
            {
                case "messagequeuetable": d.MessageQueueTable = QueueKeyedMap.Read(ref r, JsonBodyReader.ReadInt64); break;
                case "consumertable":
                    d.ConsumerTable = JsonBodyReader.ReadStringMap(ref r, static (ref FastJsonReader inner) => QueueKeyedMap.Read(ref inner, JsonBodyReader.ReadInt64));
                    break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("consumerTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, Dictionary<MessageQueue, long>> consumer in ConsumerTable)
        {
            writer.WriteMapKey(consumer.Key);
            QueueKeyedMap.Write(writer, consumer.Value, static (w, v) => w.WriteNumberValue(v));
        }
        writer.WriteEndObject();
        writer.WritePropertyName("messageQueueTable"u8);
        QueueKeyedMap.Write(writer, MessageQueueTable, static (w, v) => w.WriteNumberValue(v));
        writer.WriteEndObject();
    }
}
