namespace Mq.Protocol.Headers;

/// <summary>GET_MAX_OFFSET response (RocketMQ <c>GetMaxOffsetResponseHeader</c>).</summary>
internal sealed class GetMaxOffsetResponseHeader : ICommandHeader
{
    /// <summary><c>offset</c> (required).</summary>
    public long Offset { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("offset"u8, Offset);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Offset = fields.GetRequiredInt64("offset"u8);
    }
}
