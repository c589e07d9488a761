namespace Mq.Protocol.Headers;

/// <summary>GET_MIN_OFFSET (31) request (RocketMQ <c>GetMinOffsetRequestHeader</c>).</summary>
internal sealed class GetMinOffsetRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("queueId"u8, QueueId);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        QueueId = fields.GetRequiredInt32("queueId"u8);
        Bname = fields.GetString("bname"u8);
    }
}
