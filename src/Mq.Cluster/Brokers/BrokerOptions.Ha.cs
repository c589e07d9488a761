using Mq.Storage.Ha;

namespace Mq.Brokers;

public sealed partial class BrokerOptions
{
    /// <summary>
    /// The master's HA address ("host:port") a slave replicates from (<c>haMasterAddress</c>). Default null:
    /// the slave learns it from the NameServer's REGISTER_BROKER answer (<c>haServerAddr</c>) and follows it
    /// when it changes. Risk: a fixed address is never updated, even when the master moves.
    /// </summary>
    public string? HaMasterAddress { get; set; }

    /// <summary>
    /// Port of a master's HA listener (<c>haListenPort</c>). Default null: listenPort + 1, as RocketMQ's
    /// BrokerStartup sets it (with listenPort 0 a free port). Risk: must be free and reachable by slaves.
    /// </summary>
    public int? HaListenPort { get; set; }

    /// <summary>Slave report and master heartbeat interval (<c>haSendHeartbeatInterval</c>). Default 5 s. Risk: must stay well below <see cref="HaHousekeepingInterval"/>.</summary>
    public TimeSpan HaSendHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An HA link silent this long is dropped (<c>haHousekeepingInterval</c>). Default 20 s. Risk: short values drop healthy links on a loaded host.</summary>
    public TimeSpan HaHousekeepingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest HA data frame (<c>haTransferBatchSize</c>). Default 32 KiB. Risk: larger frames raise catch-up speed but delay SYNC_MASTER progress reports.</summary>
    public int HaTransferBatchSize { get; set; } = 32 * 1024;

    /// <summary>
    /// A slave further behind than this is unavailable for SYNC_MASTER sends, which then answer
    /// SLAVE_NOT_AVAILABLE at once (<c>haSlaveFallbehindMax</c>). Default 256 MiB. Risk: larger values make
    /// sends wait (and time out) behind a catching-up slave.
    /// </summary>
    public long HaSlaveFallbehindMax { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How often a slave copies topics, consumer offsets, delay progress and subscription groups from its
    /// master (RocketMQ: fixed 10 s after a 3 s start delay; this broker also syncs right after the master
    /// address is learnt). Default 10 s. Risk: longer values leave a promoted reader with staler metadata.
    /// </summary>
    public TimeSpan SlaveSynchronizeInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Percentage of physical memory behind the commit-log head that counts as in memory
    /// (<c>accessMessageInMemoryMaxRatio</c>); pulls of older data get suggestWhichBrokerId = the group's
    /// whichBrokerWhenConsumeSlowly when <see cref="SlaveReadEnable"/>. Default 40.
    /// </summary>
    public int AccessMessageInMemoryMaxRatio { get; set; } = 40;

    /// <summary>
    /// Physical memory figure for <see cref="AccessMessageInMemoryMaxRatio"/>, in bytes. Default null: the
    /// memory available to the process. Risk: a small figure sends consumers to slaves early (tests force it).
    /// </summary>
    public long? TotalPhysicalMemoryBytes { get; set; }

    /// <summary>The HA settings implied by these options (the listen port is resolved at start).</summary>
    internal HaOptions ToHaOptions() => new()
    {
        ListenAddress = ListenAddress,
        TransferBatchSize = HaTransferBatchSize,
        SendHeartbeatInterval = HaSendHeartbeatInterval,
        HousekeepingInterval = HaHousekeepingInterval,
        SlaveFallbehindMax = HaSlaveFallbehindMax,
        // RocketMQ's SYNC_MASTER waits for the slave with the same syncFlushTimeout a sync flush uses.
        SyncSlaveTimeout = SyncFlushTimeout,
        ReconnectDelayMax = TimeSpan.FromSeconds(5),
    };

    private void CollectHaErrors(List<string> errors)
    {
        if (HaMasterAddress is { Length: > 0 } master && !IsHostPort(master))
        {
            errors.Add($"HaMasterAddress must be host:port (was '{master}').");
        }
        if (HaListenPort is < 0 or > 65535)
        {
            errors.Add($"HaListenPort must be 0-65535 (was {HaListenPort}).");
        }
        if (SlaveSynchronizeInterval <= TimeSpan.Zero)
        {
            errors.Add($"SlaveSynchronizeInterval must be positive (was {SlaveSynchronizeInterval}).");
        }
        try
        {
            ToHaOptions().Validate();
        }
        catch (ArgumentException ex)
        {
            errors.Add(ex.Message);
        }
    }
}
