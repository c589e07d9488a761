namespace Mq.Protocol.Headers;

/// <summary>QUERY_CONSUMER_OFFSET (14) request (RocketMQ <c>QueryConsumerOffsetRequestHeader</c>).</summary>
internal sealed class QueryConsumerOffsetRequestHeader : ICommandHeader
{
    /// <summary><c>consumerGroup</c> (required).</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <summary><c>setZeroIfNotFound</c>.</summary>
    public bool? SetZeroIfNotFound { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("consumerGroup"u8, ConsumerGroup);
        fields.Add("topic"u8, Topic);
        fields.Add("queueId"u8, QueueId);
        fields.Add("bname"u8, Bname);
        fields.Add("setZeroIfNotFound"u8, SetZeroIfNotFound);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ConsumerGroup = fields.GetRequiredString("consumerGroup"u8);
        Topic = fields.GetRequiredString("topic"u8);
        QueueId = fields.GetRequiredInt32("queueId"u8);
        Bname = fields.GetString("bname"u8);
        SetZeroIfNotFound = fields.GetBoolean("setZeroIfNotFound"u8);
    }
}
