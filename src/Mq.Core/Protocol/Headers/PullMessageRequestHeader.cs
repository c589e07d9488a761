namespace Mq.Protocol.Headers;

/// <summary>PULL_MESSAGE (11) request (RocketMQ <c>PullMessageRequestHeader</c>).</summary>
internal sealed class PullMessageRequestHeader : ICommandHeader
{
    /// <summary><c>consumerGroup</c> (required).</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>queueOffset</c> (required).</summary>
    public long QueueOffset { get; set; }

    /// <summary><c>maxMsgNums</c> (required).</summary>
    public int MaxMsgNums { get; set; }

    /// <summary><c>sysFlag</c> (required).</summary>
    public int SysFlag { get; set; }

    /// <summary><c>commitOffset</c> (required).</summary>
    public long CommitOffset { get; set; }

    /// <summary><c>suspendTimeoutMillis</c> (required).</summary>
    public long SuspendTimeoutMillis { get; set; }

    /// <summary><c>subscription</c>.</summary>
    public string? Subscription { get; set; }

    /// <summary><c>subVersion</c> (required).</summary>
    public long SubVersion { get; set; }

    /// <summary><c>expressionType</c>.</summary>
    public string? ExpressionType { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <summary><c>maxMsgBytes</c>.</summary>
    public int? MaxMsgBytes { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("consumerGroup"u8, ConsumerGroup);
        fields.Add("topic"u8, Topic);
        fields.Add("queueId"u8, QueueId);
        fields.Add("queueOffset"u8, QueueOffset);
        fields.Add("maxMsgNums"u8, MaxMsgNums);
        fields.Add("sysFlag"u8, SysFlag);
        fields.Add("commitOffset"u8, CommitOffset);
        fields.Add("suspendTimeoutMillis"u8, SuspendTimeoutMillis);
        fields.Add("subscription"u8, Subscription);
        fields.Add("subVersion"u8, SubVersion);
        fields.Add("expressionType"u8, ExpressionType);
        fields.Add("bname"u8, Bname);
        fields.Add("maxMsgBytes"u8, MaxMsgBytes);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ConsumerGroup = fields.GetRequiredString("consumerGroup"u8);
        Topic = fields.GetRequiredString("topic"u8);
        QueueId = fields.GetRequiredInt32("queueId"u8);
        QueueOffset = fields.GetRequiredInt64("queueOffset"u8);
        MaxMsgNums = fields.GetRequiredInt32("maxMsgNums"u8);
        SysFlag = fields.GetRequiredInt32("sysFlag"u8);
        CommitOffset = fields.GetRequiredInt64("commitOffset"u8);
        SuspendTimeoutMillis = fields.GetRequiredInt64("suspendTimeoutMillis"u8);
        Subscription = fields.GetString("subscription"u8);
        SubVersion = fields.GetRequiredInt64("subVersion"u8);
        ExpressionType = fields.GetString("expressionType"u8);
        Bname = fields.GetString("bname"u8);
        MaxMsgBytes = fields.GetInt32("maxMsgBytes"u8);
    }
}
