namespace Mq.NameServers;

/// <summary>The REGISTER_BROKER request header values (RocketMQ <c>RegisterBrokerRequestHeader</c>).</summary>
public sealed record BrokerRegistration
{
    /// <summary>Who registers.</summary>
    public required BrokerIdentity Broker { get; init; }

    /// <summary><c>ip2:haPort</c> slaves replicate from (<c>haServerAddr</c>).</summary>
    public string HaServerAddr { get; init; } = string.Empty;

    /// <summary>The body is in the zlib-compressed binary form (<c>compressed</c>).</summary>
    public bool Compressed { get; init; }

    /// <summary>CRC-32 of the body masked with 0x7FFFFFFF; 0 = not checked (<c>bodyCrc32</c>).</summary>
    public int BodyCrc32 { get; init; }

    /// <summary>
    /// 5.x <c>heartbeatTimeoutMillis</c>: this broker's own expiry; null uses
    /// <see cref="NameServerOptions.BrokerExpiry"/>.
    /// </summary>
    public TimeSpan? HeartbeatTimeout { get; init; }
}
