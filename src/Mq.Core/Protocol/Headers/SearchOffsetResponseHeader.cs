namespace Mq.Protocol.Headers;

/// <summary>SEARCH_OFFSET_BY_TIMESTAMP response (RocketMQ <c>SearchOffsetResponseHeader</c>).</summary>
internal sealed class SearchOffsetResponseHeader : ICommandHeader
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
