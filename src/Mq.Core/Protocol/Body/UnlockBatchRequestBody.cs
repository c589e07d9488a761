using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>UNLOCK_BATCH_MQ body (RocketMQ <c>UnlockBatchRequestBody</c>).</summary>
public sealed class UnlockBatchRequestBody : QueueSetRequestBody
{
    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static UnlockBatchRequestBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static UnlockBatchRequestBody Read(ref FastJsonReader reader) => ReadInto<UnlockBatchRequestBody>(ref reader);
}
