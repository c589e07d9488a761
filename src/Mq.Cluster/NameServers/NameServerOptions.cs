using Microsoft.Extensions.Options;

namespace Mq.NameServers;

/// <summary>
/// Settings of a NameServer node (RocketMQ <c>NamesrvConfig</c> + <c>NettyServerConfig</c> subset).
/// Bindable from <c>IConfiguration</c>; validated once at start with <see cref="Validate"/>.
/// </summary>
public sealed class NameServerOptions
{
    /// <summary>
    /// TCP port to listen on. Default 9876 (RocketMQ's). 0 picks a free port (read the bound endpoint
    /// after start). Risk: clients and brokers are configured with this port; changing it needs both updated.
    /// </summary>
    public int ListenPort { get; set; } = 9876;

    /// <summary>
    /// Address to bind. Default <c>0.0.0.0</c> (all IPv4 interfaces, like RocketMQ). Risk: the NameServer
    /// has no authentication; bind to a private interface (or 127.0.0.1 for tests) where that matters.
    /// </summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// A broker that has not re-registered for this long is removed with its routes. Default 120 s
    /// (RocketMQ's <c>BROKER_CHANNEL_EXPIRED_TIME</c>); brokers register every 30 s. Risk: shorter values drop
    /// brokers on a brief stall; longer ones keep routing clients to a dead broker.
    /// </summary>
    public TimeSpan BrokerExpiry { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How often expired brokers are looked for. Default 10 s (RocketMQ's). Must not exceed
    /// <see cref="BrokerExpiry"/>. Risk: a long interval delays removal of dead brokers by up to this much.
    /// </summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// File holding the KV config (<c>{"configTable":{ns:{k:v}}}</c>, RocketMQ's <c>kvConfig.json</c>).
    /// Default null: the KV config lives in memory only — a deliberate deviation from RocketMQ, which
    /// defaults to <c>~/namesrv/kvConfig.json</c>, because the engine reads no environment. Risk: with null,
    /// ORDER_TOPIC_CONFIG and other KV entries are lost on restart.
    /// </summary>
    public string? KvConfigPath { get; set; }

    /// <summary>
    /// Put the ORDER_TOPIC_CONFIG KV entry of a topic into its route as <c>orderTopicConf</c>. Default false
    /// (RocketMQ's <c>orderMessageEnable</c>). Risk: when on, clients publish to the queues named there and
    /// ignore the route's queue data for that topic.
    /// </summary>
    public bool OrderMessageEnable { get; set; }

    /// <summary>
    /// Remoting settings of the listener (frame size cap, buffers, shutdown drain time...). Defaults as in
    /// <see cref="Mq.Transport.TransportOptions"/>; bind from the <c>Transport</c> sub-section. Risk: see each property.
    /// </summary>
    public Mq.Transport.TransportOptions Transport { get; set; } = new();

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        List<string> errors = CollectErrors();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(NameServerOptions), typeof(NameServerOptions), errors);
        }
    }

    /// <summary>Every invalid setting, described; empty when valid.</summary>
    internal List<string> CollectErrors()
    {
        List<string> errors = [];
        if (ListenPort is < 0 or > 65535)
        {
            errors.Add($"ListenPort must be 0-65535 (was {ListenPort}).");
        }
        if (string.IsNullOrWhiteSpace(ListenAddress) || !System.Net.IPAddress.TryParse(ListenAddress, out _))
        {
            errors.Add($"ListenAddress must be an IP address (was '{ListenAddress}').");
        }
        if (BrokerExpiry <= TimeSpan.Zero)
        {
            errors.Add($"BrokerExpiry must be positive (was {BrokerExpiry}).");
        }
        if (ScanInterval <= TimeSpan.Zero || ScanInterval > BrokerExpiry)
        {
            errors.Add($"ScanInterval must be positive and at most BrokerExpiry (was {ScanInterval}).");
        }
        if (KvConfigPath is not null && string.IsNullOrWhiteSpace(KvConfigPath))
        {
            errors.Add("KvConfigPath must be null (memory only) or a file path.");
        }
        if (Transport is null)
        {
            errors.Add("Transport must not be null.");
        }
        else
        {
            try
            {
                Transport.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                errors.Add("Transport." + e.ParamName + " " + e.Message.Split(" (Parameter", 2)[0] + ".");
            }
        }
        return errors;
    }

    /// <summary>
    /// The settings under Apache RocketMQ's NamesrvConfig / NettyServerConfig names as <c>key=value</c> lines (Java's
    /// properties2String), with the port the node is bound to: GET_NAMESRV_CONFIG's answer.
    /// </summary>
    internal byte[] RocketMqConfigText(int listenPort)
    {
        var text = new System.Text.StringBuilder();
        text.Append("listenPort=").Append(listenPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        if (KvConfigPath is not null)
        {
            text.Append("kvConfigPath=").Append(KvConfigPath).Append('\n');
        }
        text.Append("orderMessageEnable=").Append(OrderMessageEnable ? "true" : "false").Append('\n');
        text.Append("serverChannelMaxIdleTimeSeconds=")
            .Append(((long)Transport.ChannelMaxIdleTime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }
}
