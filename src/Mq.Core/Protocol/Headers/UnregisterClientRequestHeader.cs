namespace Mq.Protocol.Headers;

/// <summary>UNREGISTER_CLIENT (35) request (RocketMQ <c>UnregisterClientRequestHeader</c>); note the capital ID.</summary>
internal sealed class UnregisterClientRequestHeader : ICommandHeader
{
    /// <summary><c>clientID</c> (required).</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary><c>producerGroup</c>.</summary>
    public string? ProducerGroup { get; set; }

    /// <summary><c>consumerGroup</c>.</summary>
    public string? ConsumerGroup { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("clientID"u8, ClientId);
        fields.Add("producerGroup"u8, ProducerGroup);
        fields.Add("consumerGroup"u8, ConsumerGroup);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ClientId = fields.GetRequiredString("clientID"u8);
        ProducerGroup = fields.GetString("producerGroup"u8);
        ConsumerGroup = fields.GetString("consumerGroup"u8);
    }
}
