namespace Mq.Protocol.Headers;

/// <summary>CONSUME_MESSAGE_DIRECTLY (309) request (RocketMQ <c>ConsumeMessageDirectlyResultRequestHeader</c>).</summary>
internal sealed class ConsumeMessageDirectlyResultRequestHeader : ICommandHeader
{
    /// <summary><c>consumerGroup</c> (required).</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary><c>clientId</c>.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>msgId</c>.</summary>
    public string? MsgId { get; set; }

    /// <summary><c>brokerName</c>.</summary>
    public string? BrokerName { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("consumerGroup"u8, ConsumerGroup);
        fields.Add("clientId"u8, ClientId);
        fields.Add("msgId"u8, MsgId);
        fields.Add("brokerName"u8, BrokerName);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ConsumerGroup = fields.GetRequiredString("consumerGroup"u8);
        ClientId = fields.GetString("clientId"u8);
        MsgId = fields.GetString("msgId"u8);
        BrokerName = fields.GetString("brokerName"u8);
    }
}
