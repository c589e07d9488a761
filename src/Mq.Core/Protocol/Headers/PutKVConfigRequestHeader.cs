namespace Mq.Protocol.Headers;

/// <summary>PUT_KV_CONFIG (100) request (RocketMQ <c>PutKVConfigRequestHeader</c>).</summary>
internal sealed class PutKVConfigRequestHeader : ICommandHeader
{
    /// <summary><c>namespace</c> (required).</summary>
    public string Namespace { get; set; } = string.Empty;

    /// <summary><c>key</c> (required).</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary><c>value</c> (required).</summary>
    public string Value { get; set; } = string.Empty;

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("namespace"u8, Namespace);
        fields.Add("key"u8, Key);
        fields.Add("value"u8, Value);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Namespace = fields.GetRequiredString("namespace"u8);
        Key = fields.GetRequiredString("key"u8);
        Value = fields.GetRequiredString("value"u8);
    }
}
