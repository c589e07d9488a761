namespace Mq.Protocol.Headers;

/// <summary>GET_KV_CONFIG response (RocketMQ <c>GetKVConfigResponseHeader</c>).</summary>
internal sealed class GetKVConfigResponseHeader : ICommandHeader
{
    /// <summary><c>value</c>.</summary>
    public string? Value { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("value"u8, Value);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        Value = fields.GetString("value"u8);
    }
}
