namespace Mq.Protocol.Headers;

/// <summary>SEARCH_OFFSET_BY_TIMESTAMP (29) request (RocketMQ <c>SearchOffsetRequestHeader</c>).</summary>
internal sealed class SearchOffsetRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>timestamp</c> (required).</summary>
    public long Timestamp { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("queueId"u8, QueueId);
        fields.Add("timestamp"u8, Timestamp);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        QueueId = fields.GetRequiredInt32("queueId"u8);
        Timestamp = fields.GetRequiredInt64("timestamp"u8);
        Bname = fields.GetString("bname"u8);
    }
}
