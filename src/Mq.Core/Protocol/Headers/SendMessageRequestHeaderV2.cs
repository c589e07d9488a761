namespace Mq.Protocol.Headers;

/// <summary>SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320) request with the single-letter keys a..n (RocketMQ <c>SendMessageRequestHeaderV2</c>). Properties are named after their V1 meaning.</summary>
internal sealed partial class SendMessageRequestHeaderV2 : ICommandHeader
{
    /// <summary><c>a</c> (required).</summary>
    public string ProducerGroup { get; set; } = string.Empty;

    /// <summary><c>b</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>c</c> (required).</summary>
    public string DefaultTopic { get; set; } = string.Empty;

    /// <summary><c>d</c> (required).</summary>
    public int DefaultTopicQueueNums { get; set; }

    /// <summary><c>e</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>f</c> (required).</summary>
    public int SysFlag { get; set; }

    /// <summary><c>g</c> (required).</summary>
    public long BornTimestamp { get; set; }

    /// <summary><c>h</c> (required).</summary>
    public int Flag { get; set; }

    /// <summary><c>i</c>, UTF-8; after decoding it points into the received frame (valid while the command lives).</summary>
    public ReadOnlyMemory<byte> Properties { get; set; }

    /// <summary><c>j</c>.</summary>
    public int? ReconsumeTimes { get; set; }

    /// <summary><c>k</c>.</summary>
    public bool? UnitMode { get; set; }

    /// <summary><c>l</c>.</summary>
    public int? MaxReconsumeTimes { get; set; }

    /// <summary><c>m</c>.</summary>
    public bool? Batch { get; set; }

    /// <summary><c>n</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("a"u8, ProducerGroup);
        fields.Add("b"u8, Topic);
        fields.Add("c"u8, DefaultTopic);
        fields.Add("d"u8, DefaultTopicQueueNums);
        fields.Add("e"u8, QueueId);
        fields.Add("f"u8, SysFlag);
        fields.Add("g"u8, BornTimestamp);
        fields.Add("h"u8, Flag);
        if (!Properties.IsEmpty)
        {
            fields.Add("i"u8, Properties.Span);
        }
        fields.Add("j"u8, ReconsumeTimes);
        fields.Add("k"u8, UnitMode);
        fields.Add("l"u8, MaxReconsumeTimes);
        fields.Add("m"u8, Batch);
        fields.Add("n"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ProducerGroup = fields.GetRequiredString("a"u8);
        Topic = fields.GetRequiredString("b"u8);
        DefaultTopic = fields.GetRequiredString("c"u8);
        DefaultTopicQueueNums = fields.GetRequiredInt32("d"u8);
        QueueId = fields.GetRequiredInt32("e"u8);
        SysFlag = fields.GetRequiredInt32("f"u8);
        BornTimestamp = fields.GetRequiredInt64("g"u8);
        Flag = fields.GetRequiredInt32("h"u8);
        Properties = fields.GetUtf8Memory("i"u8);
        ReconsumeTimes = fields.GetInt32("j"u8);
        UnitMode = fields.GetBoolean("k"u8);
        MaxReconsumeTimes = fields.GetInt32("l"u8);
        Batch = fields.GetBoolean("m"u8);
        Bname = fields.GetString("n"u8);
    }
}
