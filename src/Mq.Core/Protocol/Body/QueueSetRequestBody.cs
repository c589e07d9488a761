using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// The shape LOCK_BATCH_MQ and UNLOCK_BATCH_MQ bodies share (RocketMQ <c>LockBatchRequestBody</c> /
/// <c>UnlockBatchRequestBody</c>): a consumer group, the requesting client and a set of queues.
/// </summary>
public abstract class QueueSetRequestBody : JsonBody
{
    /// <summary>Consumer group.</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>Requesting client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Queues to lock or unlock.</summary>
    public List<MessageQueue> MqSet { get; set; } = [];

    private protected static T ReadInto<T>(ref FastJsonReader reader)
        where T : QueueSetRequestBody, new()
    {
        var d = new T();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, T d) =>
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
