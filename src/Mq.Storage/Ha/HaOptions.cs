namespace Mq.Storage.Ha;

/// <summary>
/// Settings of classic master/slave replication (RocketMQ <c>MessageStoreConfig</c> ha* fields).
/// Bindable from configuration; validated by <see cref="Validate"/> when a server or client starts.
/// </summary>
public sealed class HaOptions
{
    /// <summary>
    /// Address the master's HA listener binds. Default <c>0.0.0.0</c> (as RocketMQ). Risk: any interface
    /// accepts slaves; the protocol has no authentication, so bind a private address in production.
    /// </summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// HA listener port (<c>haListenPort</c>). Default 10912; the broker sets listenPort + 1 as RocketMQ's
    /// BrokerStartup does. 0 picks a free port (read <see cref="HaServer.LocalEndPoint"/>).
    /// </summary>
    public int ListenPort { get; set; } = 10912;

    /// <summary>
    /// Largest data frame payload (<c>haTransferBatchSize</c>). Default 32 KiB. Risk: larger batches raise
    /// catch-up throughput but lengthen the time a SYNC_MASTER waiter sees no progress.
    /// </summary>
    public int TransferBatchSize { get; set; } = 32 * 1024;

    /// <summary>
    /// How often a slave reports its max offset when nothing else made it report, and how long a master
    /// stays idle before sending an empty heartbeat frame (<c>haSendHeartbeatInterval</c>). Default 5 s.
    /// Risk: must be well below <see cref="HousekeepingInterval"/> or idle links are dropped.
    /// </summary>
    public TimeSpan SendHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A connection with no traffic for this long is closed by either side (<c>haHousekeepingInterval</c>).
    /// Default 20 s. Risk: too short drops healthy links on a loaded host; too long delays failure detection.
    /// </summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A slave further behind than this many bytes counts as unavailable for SYNC_MASTER waits
    /// (<c>haSlaveFallbehindMax</c>). Default 256 MiB. Risk: larger values make sync sends wait (and time
    /// out) behind a catching-up slave instead of answering SLAVE_NOT_AVAILABLE at once.
    /// </summary>
    public long SlaveFallbehindMax { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How long a SYNC_MASTER send waits for a slave acknowledgement (<c>syncFlushTimeout</c>-like
    /// <c>slaveTimeout</c>). Default 3 s. Risk: longer values hold producer threads when a slave stalls.
    /// </summary>
    public TimeSpan SyncSlaveTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// First delay before a slave reconnects after a failed or dropped connection; doubles up to
    /// <see cref="ReconnectDelayMax"/>. Default 1 s. (RocketMQ waits a flat 5 s.)
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between slave reconnection attempts. Default 5 s.</summary>
    public TimeSpan ReconnectDelayMax { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Check(System.Net.IPAddress.TryParse(ListenAddress, out _), nameof(ListenAddress), "must be an IP address");
        Check(ListenPort is >= 0 and <= 65535, nameof(ListenPort), "must be between 0 and 65535");
        Check(TransferBatchSize is >= 1024 and <= 16 * 1024 * 1024, nameof(TransferBatchSize), "must be between 1 KiB and 16 MiB");
        Check(SendHeartbeatInterval > TimeSpan.Zero, nameof(SendHeartbeatInterval), "must be positive");
        Check(HousekeepingInterval > SendHeartbeatInterval, nameof(HousekeepingInterval), "must be longer than SendHeartbeatInterval");
        Check(SlaveFallbehindMax > 0, nameof(SlaveFallbehindMax), "must be positive");
        Check(SyncSlaveTimeout > TimeSpan.Zero, nameof(SyncSlaveTimeout), "must be positive");
        Check(ReconnectDelay > TimeSpan.Zero, nameof(ReconnectDelay), "must be positive");
        Check(ReconnectDelayMax >= ReconnectDelay, nameof(ReconnectDelayMax), "must be at least ReconnectDelay");
    }

    internal HaOptions Clone() => (HaOptions)MemberwiseClone();

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentException($"HaOptions.{name} {rule}.", name);
        }
    }
}
