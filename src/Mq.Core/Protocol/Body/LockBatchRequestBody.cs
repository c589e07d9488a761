using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>LOCK_BATCH_MQ body (RocketMQ <c>LockBatchRequestBody</c>); 5.x's <c>onlyThisBroker</c> is ignored.</summary>
public sealed class LockBatchRequestBody : JsonBody
{
    /// <summary>Consumer group.</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>Requesting client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Queues to lock.</summary>
    public List<MessageQueue> MqSet { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static LockBatchRequestBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static LockBatchRequestBody Read(ref FastJsonReader reader)
    {
        var d = new LockBatchRequestBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, LockBatchRequestBody d) =>
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
