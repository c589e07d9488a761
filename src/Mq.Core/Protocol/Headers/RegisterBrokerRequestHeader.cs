namespace Mq.Protocol.Headers;

/// <summary>REGISTER_BROKER (103) request (RocketMQ <c>RegisterBrokerRequestHeader</c>).</summary>
internal sealed class RegisterBrokerRequestHeader : ICommandHeader
{
    /// <summary><c>brokerName</c> (required).</summary>
    public string BrokerName { get; set; } = string.Empty;

    /// <summary><c>brokerAddr</c> (required).</summary>
    public string BrokerAddr { get; set; } = string.Empty;

    /// <summary><c>clusterName</c> (required).</summary>
    public string ClusterName { get; set; } = string.Empty;

    /// <summary><c>haServerAddr</c> (required).</summary>
    public string HaServerAddr { get; set; } = string.Empty;

    /// <summary><c>brokerId</c> (required).</summary>
    public long BrokerId { get; set; }

    /// <summary><c>compressed</c>.</summary>
    public bool? Compressed { get; set; }

    /// <summary><c>bodyCrc32</c>.</summary>
    public int? BodyCrc32 { get; set; }

    /// <summary><c>heartbeatTimeoutMillis</c>.</summary>
    public long? HeartbeatTimeoutMillis { get; set; }

    /// <summary><c>enableActingMaster</c>.</summary>
    public bool? EnableActingMaster { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("brokerName"u8, BrokerName);
        fields.Add("brokerAddr"u8, BrokerAddr);
        fields.Add("clusterName"u8, ClusterName);
        fields.Add("haServerAddr"u8, HaServerAddr);
        fields.Add("brokerId"u8, BrokerId);
        fields.Add("compressed"u8, Compressed);
        fields.Add("bodyCrc32"u8, BodyCrc32);
        fields.Add("heartbeatTimeoutMillis"u8, HeartbeatTimeoutMillis);
        fields.Add("enableActingMaster"u8, EnableActingMaster);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        BrokerName = fields.GetRequiredString("brokerName"u8);
        BrokerAddr = fields.GetRequiredString("brokerAddr"u8);
        ClusterName = fields.GetRequiredString("clusterName"u8);
        HaServerAddr = fields.GetRequiredString("haServerAddr"u8);
        BrokerId = fields.GetRequiredInt64("brokerId"u8);
        Compressed = fields.GetBoolean("compressed"u8);
        BodyCrc32 = fields.GetInt32("bodyCrc32"u8);
        HeartbeatTimeoutMillis = fields.GetInt64("heartbeatTimeoutMillis"u8);
        EnableActingMaster = fields.GetBoolean("enableActingMaster"u8);
    }
}
