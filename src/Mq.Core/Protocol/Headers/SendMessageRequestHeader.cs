namespace Mq.Protocol.Headers;

/// <summary>SEND_MESSAGE (10) request with the long V1 keys (RocketMQ <c>SendMessageRequestHeader</c>); Go clients send it. SEND_MESSAGE_V2/SEND_BATCH_MESSAGE use <see cref="SendMessageRequestHeaderV2"/>.</summary>
internal sealed partial class SendMessageRequestHeader : ICommandHeader
{
    /// <summary><c>producerGroup</c> (required).</summary>
    public string ProducerGroup { get; set; } = string.Empty;

    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>defaultTopic</c> (required).</summary>
    public string DefaultTopic { get; set; } = string.Empty;

    /// <summary><c>defaultTopicQueueNums</c> (required).</summary>
    public int DefaultTopicQueueNums { get; set; }

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>sysFlag</c> (required).</summary>
    public int SysFlag { get; set; }

    /// <summary><c>bornTimestamp</c> (required).</summary>
    public long BornTimestamp { get; set; }

    /// <summary><c>flag</c> (required).</summary>
    public int Flag { get; set; }

    /// <summary><c>properties</c>, UTF-8; after decoding it points into the received frame (valid while the command lives).</summary>
    public ReadOnlyMemory<byte> Properties { get; set; }

    /// <summary><c>reconsumeTimes</c>.</summary>
    public int? ReconsumeTimes { get; set; }

    /// <summary><c>unitMode</c>.</summary>
    public bool? UnitMode { get; set; }

    /// <summary><c>batch</c>.</summary>
    public bool? Batch { get; set; }

    /// <summary><c>maxReconsumeTimes</c>.</summary>
    public int? MaxReconsumeTimes { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("producerGroup"u8, ProducerGroup);
        fields.Add("topic"u8, Topic);
        fields.Add("defaultTopic"u8, DefaultTopic);
        fields.Add("defaultTopicQueueNums"u8, DefaultTopicQueueNums);
        fields.Add("queueId"u8, QueueId);
        fields.Add("sysFlag"u8, SysFlag);
        fields.Add("bornTimestamp"u8, BornTimestamp);
        fields.Add("flag"u8, Flag);
        if (!Properties.IsEmpty)
        {
            fields.Add("properties"u8, Properties.Span);
        }
        fields.Add("reconsumeTimes"u8, ReconsumeTimes);
        fields.Add("unitMode"u8, UnitMode);
        fields.Add("batch"u8, Batch);
        fields.Add("maxReconsumeTimes"u8, MaxReconsumeTimes);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ProducerGroup = fields.GetRequiredString("producerGroup"u8);
        Topic = fields.GetRequiredString("topic"u8);
        DefaultTopic = fields.GetRequiredString("defaultTopic"u8);
        DefaultTopicQueueNums = fields.GetRequiredInt32("defaultTopicQueueNums"u8);
        QueueId = fields.GetRequiredInt32("queueId"u8);
        SysFlag = fields.GetRequiredInt32("sysFlag"u8);
        BornTimestamp = fields.GetRequiredInt64("bornTimestamp"u8);
        Flag = fields.GetRequiredInt32("flag"u8);
        Properties = fields.GetUtf8Memory("properties"u8);
        ReconsumeTimes = fields.GetInt32("reconsumeTimes"u8);
        UnitMode = fields.GetBoolean("unitMode"u8);
        Batch = fields.GetBoolean("batch"u8);
        MaxReconsumeTimes = fields.GetInt32("maxReconsumeTimes"u8);
        Bname = fields.GetString("bname"u8);
    }
}
