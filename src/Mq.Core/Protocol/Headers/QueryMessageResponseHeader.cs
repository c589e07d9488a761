namespace Mq.Protocol.Headers;

/// <summary>QUERY_MESSAGE response (RocketMQ <c>QueryMessageResponseHeader</c>).</summary>
internal sealed class QueryMessageResponseHeader : ICommandHeader
{
    /// <summary><c>indexLastUpdateTimestamp</c> (required).</summary>
    public long IndexLastUpdateTimestamp { get; set; }

    /// <summary><c>indexLastUpdatePhyoffset</c> (required).</summary>
    public long IndexLastUpdatePhyoffset { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("indexLastUpdateTimestamp"u8, IndexLastUpdateTimestamp);
        fields.Add("indexLastUpdatePhyoffset"u8, IndexLastUpdatePhyoffset);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        IndexLastUpdateTimestamp = fields.GetRequiredInt64("indexLastUpdateTimestamp"u8);
        IndexLastUpdatePhyoffset = fields.GetRequiredInt64("indexLastUpdatePhyoffset"u8);
    }
}
