using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>LOCK_BATCH_MQ body (RocketMQ <c>LockBatchRequestBody</c>); 5.x's <c>onlyThisBroker</c> is ignored.</summary>
public sealed class LockBatchRequestBody : QueueSetRequestBody
{
    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static LockBatchRequestBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static LockBatchRequestBody Read(ref FastJsonReader reader) => ReadInto<LockBatchRequestBody>(ref reader);
}
