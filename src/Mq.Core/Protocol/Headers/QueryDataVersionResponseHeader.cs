namespace Mq.Protocol.Headers;

/// <summary>QUERY_DATA_VERSION response (RocketMQ <c>QueryDataVersionResponseHeader</c>).</summary>
internal sealed class QueryDataVersionResponseHeader : ICommandHeader
{
    /// <summary><c>changed</c> (required).</summary>
    public bool Changed { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("changed"u8, Changed);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Changed = fields.GetRequiredBoolean("changed"u8);
    }
}
