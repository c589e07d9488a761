namespace Mq.Protocol.Headers;

/// <summary>UNREGISTER_BROKER (104) request (RocketMQ <c>UnRegisterBrokerRequestHeader</c>).</summary>
internal sealed class UnregisterBrokerRequestHeader : ICommandHeader
{
    /// <summary><c>brokerName</c> (required).</summary>
    public string BrokerName { get; set; } = string.Empty;

    /// <summary><c>brokerAddr</c> (required).</summary>
    public string BrokerAddr { get; set; } = string.Empty;

    /// <summary><c>clusterName</c> (required).</summary>
    public string ClusterName { get; set; } = string.Empty;

    /// <summary><c>brokerId</c> (required).</summary>
    public long BrokerId { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("brokerName"u8, BrokerName);
        fields.Add("brokerAddr"u8, BrokerAddr);
        fields.Add("clusterName"u8, ClusterName);
        fields.Add("brokerId"u8, BrokerId);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        BrokerName = fields.GetRequiredString("brokerName"u8);
        BrokerAddr = fields.GetRequiredString("brokerAddr"u8);
        ClusterName = fields.GetRequiredString("clusterName"u8);
        BrokerId = fields.GetRequiredInt64("brokerId"u8);
    }
}
