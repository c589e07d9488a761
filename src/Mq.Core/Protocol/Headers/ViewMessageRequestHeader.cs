namespace Mq.Protocol.Headers;

/// <summary>VIEW_MESSAGE_BY_ID (33) request (RocketMQ <c>ViewMessageRequestHeader</c>): a commit-log offset.</summary>
internal sealed class ViewMessageRequestHeader : ICommandHeader
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
