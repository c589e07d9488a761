namespace Mq.Protocol.Headers;

/// <summary>REGISTER_BROKER response (RocketMQ <c>RegisterBrokerResponseHeader</c>).</summary>
internal sealed class RegisterBrokerResponseHeader : ICommandHeader
{
    /// <summary><c>haServerAddr</c>.</summary>
    public string? HaServerAddr { get; set; }

    /// <summary><c>masterAddr</c>.</summary>
    public string? MasterAddr { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("haServerAddr"u8, HaServerAddr);
        fields.Add("masterAddr"u8, MasterAddr);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        HaServerAddr = fields.GetString("haServerAddr"u8);
        MasterAddr = fields.GetString("masterAddr"u8);
    }
}
