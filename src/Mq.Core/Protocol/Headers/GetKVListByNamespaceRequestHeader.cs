namespace Mq.Protocol.Headers;

/// <summary>GET_KVLIST_BY_NAMESPACE (219) request (RocketMQ <c>GetKVListByNamespaceRequestHeader</c>).</summary>
internal sealed class GetKVListByNamespaceRequestHeader : ICommandHeader
{
    /// <summary><c>namespace</c> (required).</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("namespace"u8, Namespace);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Namespace = fields.GetRequiredString("namespace"u8);
    }
}
