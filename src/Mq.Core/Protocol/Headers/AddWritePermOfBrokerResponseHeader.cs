namespace Mq.Protocol.Headers;

/// <summary>ADD_WRITE_PERM_OF_BROKER response (RocketMQ <c>AddWritePermOfBrokerResponseHeader</c>).</summary>
internal sealed class AddWritePermOfBrokerResponseHeader : ICommandHeader
{
    /// <summary><c>addTopicCount</c> (required).</summary>
    public int AddTopicCount { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("addTopicCount"u8, AddTopicCount);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        AddTopicCount = fields.GetRequiredInt32("addTopicCount"u8);
    }
}
