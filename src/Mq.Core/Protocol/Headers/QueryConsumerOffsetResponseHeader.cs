namespace Mq.Protocol.Headers;

/// <summary>QUERY_CONSUMER_OFFSET response (RocketMQ <c>QueryConsumerOffsetResponseHeader</c>).</summary>
internal sealed class QueryConsumerOffsetResponseHeader : ICommandHeader
{
    /// <summary><c>offset</c>.</summary>
    public long? Offset { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("offset"u8, Offset);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Offset = fields.GetInt64("offset"u8);
    }
}
