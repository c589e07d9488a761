using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>UNLOCK_BATCH_MQ body (RocketMQ <c>UnlockBatchRequestBody</c>).</summary>
public sealed class UnlockBatchRequestBody : JsonBody
{
    /// <summary>Consumer group.</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>Requesting client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Queues to unlock.</summary>
    public List<MessageQueue> MqSet { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static UnlockBatchRequestBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static UnlockBatchRequestBody Read(ref FastJsonReader reader)
    {
        var d = new UnlockBatchRequestBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, UnlockBatchRequestBody d) =>
        {
            switch (name)
            {
                case "consumergroup": d.ConsumerGroup = r.ReadString() ?? string.Empty; break;
                case "clientid": d.ClientId = r.ReadString() ?? string.Empty; break;
                case "mqset": d.MqSet = MessageQueue.ReadSet(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("clientId"u8, ClientId);
        writer.WriteString("consumerGroup"u8, ConsumerGroup);
        MessageQueue.WriteSet(writer, "mqSet"u8, MqSet);
        writer.WriteEndObject();
    }
}
