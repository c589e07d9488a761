namespace Mq.Protocol.Headers;

/// <summary>GET_KV_CONFIG (101) request (RocketMQ <c>GetKVConfigRequestHeader</c>).</summary>
internal sealed class GetKVConfigRequestHeader : ICommandHeader
{
    /// <summary><c>namespace</c> (required).</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary><c>key</c> (required).</summary>
    public string Key { get; set; } = string.Empty;

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("namespace"u8, Namespace);
        fields.Add("key"u8, Key);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Namespace = fields.GetRequiredString("namespace"u8);
        Key = fields.GetRequiredString("key"u8);
    }
}
