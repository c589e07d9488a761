namespace Mq.Protocol.Headers;

/// <summary>CONSUMER_SEND_MSG_BACK (36) request (RocketMQ <c>ConsumerSendMsgBackRequestHeader</c>).</summary>
internal sealed class ConsumerSendMsgBackRequestHeader : ICommandHeader
{
    /// <summary><c>offset</c> (required).</summary>
    public long Offset { get; set; }

    /// <summary><c>group</c> (required).</summary>
    public string Group { get; set; } = string.Empty;

    /// <summary><c>delayLevel</c> (required).</summary>
    public int DelayLevel { get; set; }

    /// <summary><c>originMsgId</c>.</summary>
    public string? OriginMsgId { get; set; }

    /// <summary><c>originTopic</c>.</summary>
    public string? OriginTopic { get; set; }

    /// <summary><c>unitMode</c>.</summary>
    public bool? UnitMode { get; set; }

    /// <summary><c>maxReconsumeTimes</c>.</summary>
    public int? MaxReconsumeTimes { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("offset"u8, Offset);
        fields.Add("group"u8, Group);
        fields.Add("delayLevel"u8, DelayLevel);
        fields.Add("originMsgId"u8, OriginMsgId);
        fields.Add("originTopic"u8, OriginTopic);
        fields.Add("unitMode"u8, UnitMode);
        fields.Add("maxReconsumeTimes"u8, MaxReconsumeTimes);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Offset = fields.GetRequiredInt64("offset"u8);
        Group = fields.GetRequiredString("group"u8);
        DelayLevel = fields.GetRequiredInt32("delayLevel"u8);
        OriginMsgId = fields.GetString("originMsgId"u8);
        OriginTopic = fields.GetString("originTopic"u8);
        UnitMode = fields.GetBoolean("unitMode"u8);
        MaxReconsumeTimes = fields.GetInt32("maxReconsumeTimes"u8);
        Bname = fields.GetString("bname"u8);
    }
}
