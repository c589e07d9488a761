namespace Mq.Protocol.Headers;

/// <summary>GET_CONSUMER_RUNNING_INFO (307) request (RocketMQ <c>GetConsumerRunningInfoRequestHeader</c>).</summary>
internal sealed class GetConsumerRunningInfoRequestHeader : ICommandHeader
{
    /// <summary><c>consumerGroup</c> (required).</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary><c>clientId</c> (required).</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary><c>jstackEnable</c>.</summary>
    public bool? JstackEnable { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("consumerGroup"u8, ConsumerGroup);
        fields.Add("clientId"u8, ClientId);
        fields.Add("jstackEnable"u8, JstackEnable);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ConsumerGroup = fields.GetRequiredString("consumerGroup"u8);
        ClientId = fields.GetRequiredString("clientId"u8);
        JstackEnable = fields.GetBoolean("jstackEnable"u8);
    }
}
