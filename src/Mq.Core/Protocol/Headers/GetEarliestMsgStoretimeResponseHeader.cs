namespace Mq.Protocol.Headers;

/// <summary>GET_EARLIEST_MSG_STORETIME response (RocketMQ <c>GetEarliestMsgStoretimeResponseHeader</c>).</summary>
internal sealed class GetEarliestMsgStoretimeResponseHeader : ICommandHeader
{
    /// <summary><c>timestamp</c> (required).</summary>
    public long Timestamp { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("timestamp"u8, Timestamp);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Timestamp = fields.GetRequiredInt64("timestamp"u8);
    }
}
