using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>LOCK_BATCH_MQ response body (RocketMQ <c>LockBatchResponseBody</c>): the queues now held by the requester.</summary>
public sealed class LockBatchResponseBody : JsonBody
{
    /// <summary>Locked queues; JSON name <c>lockOKMQSet</c>.</summary>
    public List<MessageQueue> LockOkMqSet { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static LockBatchResponseBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static LockBatchResponseBody Read(ref FastJsonReader reader)
    {
        var d = new LockBatchResponseBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, LockBatchResponseBody d) =>
        {
            if (name == "lockokmqset")
            {
                d.LockOkMqSet = MessageQueue.ReadSet(ref r);
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
        MessageQueue.WriteSet(writer, "lockOKMQSet"u8, LockOkMqSet);
        writer.WriteEndObject();
    }
}
