namespace Mq.Protocol.Headers;

/// <summary>GET_CONSUMER_STATUS_FROM_CLIENT (221) broker-to-consumer request (RocketMQ <c>GetConsumerStatusRequestHeader</c>).</summary>
internal sealed class GetConsumerStatusRequestHeader : ICommandHeader
{
    /// <summary><c>topic</c> (required).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary><c>group</c> (required).</summary>
    public string Group { get; set; } = string.Empty;

    /// <summary><c>clientAddr</c>.</summary>
    public string? ClientAddr { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("topic"u8, Topic);
        fields.Add("group"u8, Group);
        fields.Add("clientAddr"u8, ClientAddr);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Topic = fields.GetRequiredString("topic"u8);
        Group = fields.GetRequiredString("group"u8);
        ClientAddr = fields.GetString("clientAddr"u8);
    }
}
