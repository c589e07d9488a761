namespace Mq.Protocol.Headers;

/// <summary>GET_MIN_OFFSET response (RocketMQ <c>GetMinOffsetResponseHeader</c>).</summary>
internal sealed class GetMinOffsetResponseHeader : ICommandHeader
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
