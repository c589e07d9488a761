namespace Mq.Protocol.Headers;

/// <summary>UPDATE_AND_CREATE_TOPIC (17) request (RocketMQ <c>CreateTopicRequestHeader</c>).</summary>
internal sealed class CreateTopicRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>defaultTopic</c> (required).</summary>
    public string DefaultTopic { get; set; } = string.Empty;

    /// <summary><c>readQueueNums</c> (required).</summary>
    public int ReadQueueNums { get; set; }

    /// <summary><c>writeQueueNums</c> (required).</summary>
    public int WriteQueueNums { get; set; }

    /// <summary><c>perm</c> (required).</summary>
    public int Perm { get; set; }

    /// <summary><c>topicFilterType</c> (required).</summary>
    public string TopicFilterType { get; set; } = string.Empty;

    /// <summary><c>topicSysFlag</c>.</summary>
    public int? TopicSysFlag { get; set; }

    /// <summary><c>order</c> (required).</summary>
    public bool Order { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("defaultTopic"u8, DefaultTopic);
        fields.Add("readQueueNums"u8, ReadQueueNums);
        fields.Add("writeQueueNums"u8, WriteQueueNums);
        fields.Add("perm"u8, Perm);
        fields.Add("topicFilterType"u8, TopicFilterType);
        fields.Add("topicSysFlag"u8, TopicSysFlag);
        fields.Add("order"u8, Order);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        DefaultTopic = fields.GetRequiredString("defaultTopic"u8);
        ReadQueueNums = fields.GetRequiredInt32("readQueueNums"u8);
        WriteQueueNums = fields.GetRequiredInt32("writeQueueNums"u8);
        Perm = fields.GetRequiredInt32("perm"u8);
        TopicFilterType = fields.GetRequiredString("topicFilterType"u8);
        TopicSysFlag = fields.GetInt32("topicSysFlag"u8);
        Order = fields.GetRequiredBoolean("order"u8);
    }
}
