namespace Mq.Protocol.Headers;

/// <summary>NOTIFY_CONSUMER_IDS_CHANGED (40) broker-to-consumer oneway request (RocketMQ <c>NotifyConsumerIdsChangedRequestHeader</c>).</summary>
internal sealed class NotifyConsumerIdsChangedRequestHeader : ICommandHeader
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
