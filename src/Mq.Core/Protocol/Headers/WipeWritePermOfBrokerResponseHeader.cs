namespace Mq.Protocol.Headers;

/// <summary>WIPE_WRITE_PERM_OF_BROKER response (RocketMQ <c>WipeWritePermOfBrokerResponseHeader</c>).</summary>
internal sealed class WipeWritePermOfBrokerResponseHeader : ICommandHeader
{
    /// <summary><c>wipeTopicCount</c> (required).</summary>
    public int WipeTopicCount { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("wipeTopicCount"u8, WipeTopicCount);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        WipeTopicCount = fields.GetRequiredInt32("wipeTopicCount"u8);
    }
}
