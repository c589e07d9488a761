namespace Mq.Protocol.Headers;

/// <summary>ADD_WRITE_PERM_OF_BROKER (327) request (RocketMQ <c>AddWritePermOfBrokerRequestHeader</c>).</summary>
internal sealed class AddWritePermOfBrokerRequestHeader : ICommandHeader
{
    /// <summary><c>brokerName</c> (required).</summary>
    public string BrokerName { get; set; } = string.Empty;

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("brokerName"u8, BrokerName);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        BrokerName = fields.GetRequiredString("brokerName"u8);
    }
}
