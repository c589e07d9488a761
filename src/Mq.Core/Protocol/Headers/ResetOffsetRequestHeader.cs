namespace Mq.Protocol.Headers;

/// <summary>RESET_CONSUMER_CLIENT_OFFSET (220) broker-to-consumer request (RocketMQ <c>ResetOffsetRequestHeader</c>).</summary>
internal sealed class ResetOffsetRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>group</c> (required).</summary>
    public string Group { get; set; } = string.Empty;

    /// <summary><c>timestamp</c> (required).</summary>
    public long Timestamp { get; set; }

    /// <summary><c>isForce</c> (required).</summary>
    public bool IsForce { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("group"u8, Group);
        fields.Add("timestamp"u8, Timestamp);
        fields.Add("isForce"u8, IsForce);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        Group = fields.GetRequiredString("group"u8);
        Timestamp = fields.GetRequiredInt64("timestamp"u8);
        IsForce = fields.GetRequiredBoolean("isForce"u8);
    }
}
