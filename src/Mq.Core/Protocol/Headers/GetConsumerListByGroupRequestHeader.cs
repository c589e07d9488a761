namespace Mq.Protocol.Headers;

/// <summary>GET_CONSUMER_LIST_BY_GROUP (38) request (RocketMQ <c>GetConsumerListByGroupRequestHeader</c>).</summary>
internal sealed class GetConsumerListByGroupRequestHeader : ICommandHeader
{
    /// <summary><c>consumerGroup</c> (required).</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("consumerGroup"u8, ConsumerGroup);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ConsumerGroup = fields.GetRequiredString("consumerGroup"u8);
    }
}
