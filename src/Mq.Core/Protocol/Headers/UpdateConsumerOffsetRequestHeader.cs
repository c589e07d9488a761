namespace Mq.Protocol.Headers;

/// <summary>UPDATE_CONSUMER_OFFSET (15) request (RocketMQ <c>UpdateConsumerOffsetRequestHeader</c>); usually oneway.</summary>
internal sealed class UpdateConsumerOffsetRequestHeader : ICommandHeader
{
    /// <summary><c>consumerGroup</c> (required).</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>commitOffset</c> (required).</summary>
    public long CommitOffset { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("consumerGroup"u8, ConsumerGroup);
        fields.Add("topic"u8, Topic);
        fields.Add("queueId"u8, QueueId);
        fields.Add("commitOffset"u8, CommitOffset);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ConsumerGroup = fields.GetRequiredString("consumerGroup"u8);
        Topic = fields.GetRequiredString("topic"u8);
        QueueId = fields.GetRequiredInt32("queueId"u8);
        CommitOffset = fields.GetRequiredInt64("commitOffset"u8);
        Bname = fields.GetString("bname"u8);
    }
}
