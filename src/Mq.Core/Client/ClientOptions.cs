using Mq.Transport;

namespace Mq.Client;

/// <summary>Settings shared by producers and consumers (Java <c>ClientConfig</c>).</summary>
public abstract class ClientOptions
{
    /// <summary>
    /// NameServer addresses (<c>host:port</c>). The client uses one and fails over to the next when it does
    /// not answer. Required. Risk: a single address makes routes unavailable while that NameServer is down.
    /// </summary>
    public List<string> NameServerAddresses { get; set; } = [];

    /// <summary>
    /// Instance name, the part after '@' in the client id. Default null: <c>pid#random</c>, unique per client
    /// object so containers (pid 1 everywhere) and several clients in one process never share a client id.
    /// Risk: two processes with the same explicit name and IP break rebalancing.
    /// </summary>
    public string? InstanceName { get; set; }

    /// <summary>
    /// The IP put in the client id. Default null: the first non-loopback IPv4 that is not 192.168.x
    /// (Java's rule), else the last IPv4 found, else loopback.
    /// </summary>
    public string? ClientIp { get; set; }

    /// <summary>How often routes are refreshed from the NameServer. Default 30 s (Java). Risk: longer means slower reaction to new brokers.</summary>
    public TimeSpan PollNameServerInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often heartbeats go to every broker. Default 30 s (Java). Risk: brokers expire clients silent for 120 s.</summary>
    public TimeSpan HeartbeatBrokerInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of administrative requests (routes, offsets, heartbeats). Default 3 s (Java <c>mqClientApiTimeout</c>).</summary>
    public TimeSpan ClientApiTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Record RocketMQ message traces (Java <c>enableMsgTrace</c>): a producer records each send (Pub, and
    /// EndTransaction for transactional messages), a push consumer each handler call and a pull consumer each
    /// poll (SubBefore, SubAfter), in RocketMQ's trace format, sent in the background to
    /// <see cref="MessageTraceTopic"/> where the RocketMQ Dashboard and <c>mqadmin queryMsgTraceById</c> find them
    /// by message id. Default false. Risk: one extra trace message per batch of up to 100 records; records are
    /// dropped, never waited for, when the trace topic cannot keep up.
    /// </summary>
    public bool EnableMessageTrace { get; set; }

    /// <summary>
    /// The topic traces go to (Java <c>customizedTraceTopic</c>). Default <c>RMQ_SYS_TRACE_TOPIC</c>, which a
    /// broker creates with <c>traceTopicEnable</c> or auto-creates on the first trace send.
    /// </summary>
    public string MessageTraceTopic { get; set; } = "RMQ_SYS_TRACE_TOPIC";

    /// <summary>
    /// ACL access key (Java <c>AclClientRPCHook</c> with <c>SessionCredentials</c>): with it and <see cref="SecretKey"/>
    /// every request to the NameServers and brokers is signed, as a RocketMQ cluster with <c>aclEnable</c> requires.
    /// Default null: requests are not signed.
    /// </summary>
    public string? AccessKey { get; set; }

    /// <summary>ACL secret key that signs requests (never sent). Required with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Optional ACL security token (STS credentials), sent and signed with each request. Default null.</summary>
    public string? SecurityToken { get; set; }

    /// <summary>Connection settings. Default <see cref="TransportOptions"/> defaults.</summary>
    public TransportOptions Transport { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is invalid.</summary>
    public virtual void Validate()
    {
        if (NameServerAddresses is null || NameServerAddresses.Count == 0)
        {
            throw new ArgumentException("NameServerAddresses must list at least one host:port.");
        }
        foreach (string address in NameServerAddresses)
        {
            if (string.IsNullOrWhiteSpace(address) || address.LastIndexOf(':') <= 0)
            {
                throw new ArgumentException("NameServer address '" + address + "' is not host:port.");
            }
        }
        if (InstanceName is not null && (InstanceName.Length == 0 || InstanceName.Contains('@', StringComparison.Ordinal)))
        {
            throw new ArgumentException("InstanceName must be non-empty and must not contain '@'.");
        }
        Positive(PollNameServerInterval, nameof(PollNameServerInterval));
        Positive(HeartbeatBrokerInterval, nameof(HeartbeatBrokerInterval));
        Positive(ClientApiTimeout, nameof(ClientApiTimeout));
        if (string.IsNullOrEmpty(AccessKey) != string.IsNullOrEmpty(SecretKey))
        {
            throw new ArgumentException("AccessKey and SecretKey must be set together (or neither, for a cluster without ACL).");
        }
        if (EnableMessageTrace)
        {
            // Checked here: a bad name would otherwise fail every trace send, silently but for a log line.
            ValidGroup(MessageTraceTopic, nameof(MessageTraceTopic));
            if (MessageTraceTopic.Length > 127)
            {
                throw new ArgumentException(nameof(MessageTraceTopic) + " must be at most 127 characters.");
            }
        }
        ArgumentNullException.ThrowIfNull(Transport);
        Transport.Validate();
    }

    private protected static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException(name + " must be positive.");
        }
    }

    private protected static void ValidGroup(string group, string name)
    {
        if (string.IsNullOrWhiteSpace(group) || group.Length > 255)
        {
            throw new ArgumentException(name + " must be 1..255 characters.");
        }
        foreach (char c in group)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '%' or '|' or '_' or '-'))
            {
                throw new ArgumentException(name + " '" + group + "' may only contain letters, digits, '%', '|', '_' and '-'.");
            }
        }
    }
}
