using Mq.Storage.Devices;

namespace Mq.Storage;

/// <summary>
/// Options of a <see cref="MessageStore"/> (RocketMQ <c>MessageStoreConfig</c> names and defaults where
/// they exist). Bindable from <c>IConfiguration</c>; validated once when the store opens, then copied.
/// </summary>
public sealed class StoreOptions
{
    /// <summary>Root folder (RocketMQ <c>storePathRootDir</c>). Required. Risk: two stores on one folder corrupt each other.</summary>
    public string StorePathRootDir { get; set; } = string.Empty;

    /// <summary>Commit-log segment size, default 1 GiB; 64 KiB to 1 GiB. Risk: small segments mean many files; it cannot change for an existing store.</summary>
    public int MappedFileSizeCommitLog { get; set; } = 1024 * 1024 * 1024;

    /// <summary>Consume-queue segment size in bytes, default 300 000 × 20; must be a multiple of 20. Cannot change for an existing store.</summary>
    public int MappedFileSizeConsumeQueue { get; set; } = 300_000 * 20;

    /// <summary>Largest record (or batch body) accepted, default 4 MiB. Risk: big messages stall the single writer.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Async (default) or sync flush. Risk: async loses up to one flush interval on power loss.</summary>
    public FlushDiskType FlushDiskType { get; set; } = FlushDiskType.AsyncFlush;

    /// <summary>Async flush period, default 500 ms: whatever is dirty then is flushed, however little.</summary>
    public TimeSpan FlushIntervalCommitLog { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// With <see cref="FlushCommitLogTimed"/> off: an append that leaves at least this many 4 KiB pages
    /// unflushed wakes the flusher at once (RocketMQ <c>flushCommitLogLeastPages</c>, default 4), which then
    /// syncs the whole pages written so far; 0 wakes it for any unflushed byte. Ignored under sync flush.
    /// </summary>
    public int FlushCommitLogLeastPages { get; set; } = 4;

    /// <summary>
    /// Async flush on the interval only, never woken by appends (RocketMQ <c>flushCommitLogTimed</c>). Default
    /// true, a deliberate deviation: RocketMQ defaults to false and wakes its flusher on every put. On a mapped
    /// commit log a flush write-protects the flushed pages, which costs the appending core a TLB-shootdown
    /// interrupt; the range flush now drops the mapping's entries for finished pages first (one shootdown per
    /// flush, not per page), yet flushing every few pages still measured 20-45 % more per append that does not
    /// wait for the disk (and about a quarter less per append that does: the disk writes overlap the appends).
    /// Risk when true: up to one interval of writes reaches the disk in one burst (and is lost on power
    /// failure); false bounds that to a few pages at the cost of append throughput.
    /// </summary>
    public bool FlushCommitLogTimed { get; set; } = true;

    /// <summary>How long a sync-flush append waits before FLUSH_DISK_TIMEOUT, default 5 s.</summary>
    public TimeSpan SyncFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Period for flushing consume queues, index and checkpoint, default 1 s. Risk: longer means more replay after a crash.</summary>
    public TimeSpan FlushIntervalConsumeQueue { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Role; a <see cref="BrokerRole.Slave"/> store refuses appends except replication. Default AsyncMaster.</summary>
    public BrokerRole BrokerRole { get; set; } = BrokerRole.AsyncMaster;

    /// <summary>Device kind for store files, default <see cref="SegmentDeviceKind.Mapped"/>.</summary>
    public SegmentDeviceKind DeviceKind { get; set; } = SegmentDeviceKind.Mapped;

    /// <summary>
    /// Pre-touch commit-log pages in the background, a window (256 MiB) ahead of the writes and at low
    /// priority, and with sync flush write them to disk first; default true (deviation: RocketMQ's
    /// <c>warmMapedFileEnable</c> defaults to false, but first touch of fresh pages costs 5-20x on the target
    /// machines). Risk when off: appends take the first-touch faults, a latency spike at segment rollover.
    /// </summary>
    public bool WarmMappedFileEnable { get; set; } = true;

    /// <summary>Verify body CRCs while recovering, default true. Risk when off: silent corruption survives a crash.</summary>
    public bool CheckCrcOnRecover { get; set; } = true;

    /// <summary>Build the key index, default true.</summary>
    public bool MessageIndexEnable { get; set; } = true;

    /// <summary>Hash slots per index file, default 5 000 000.</summary>
    public int MaxHashSlotNum { get; set; } = 5_000_000;

    /// <summary>Entries per index file, default 20 000 000 (a 420 MB file with the default slots).</summary>
    public int MaxIndexNum { get; set; } = 20_000_000;

    /// <summary>Hours a commit-log segment is kept after its last write, default 72.</summary>
    public int FileReservedTime { get; set; } = 72;

    /// <summary>Hours of day (0-23, ';' separated) when expired files are deleted, default "04".</summary>
    public string DeleteWhen { get; set; } = "04";

    /// <summary>Disk usage percentage above which expired files are deleted at any hour, default 75.</summary>
    public int DiskMaxUsedSpaceRatio { get; set; } = 75;

    /// <summary>Disk usage ratio above which the oldest files are deleted even if not expired, default 0.85.</summary>
    public double DiskSpaceCleanForciblyRatio { get; set; } = 0.85;

    /// <summary>Disk usage ratio above which appends are refused (SERVICE_NOT_AVAILABLE) until it drops, default 0.90.</summary>
    public double DiskSpaceWarningLevelRatio { get; set; } = 0.90;

    /// <summary>Period of the retention check, default 10 s.</summary>
    public TimeSpan CleanResourceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most commit-log segments deleted per retention run, default 10.</summary>
    public int DeleteFilesBatchMax { get; set; } = 10;

    /// <summary>Most bytes a read returns when the data is in memory, default 256 KiB.</summary>
    public int MaxTransferBytesOnMessageInMemory { get; set; } = 256 * 1024;

    /// <summary>Most messages a read returns when the data is in memory, default 32.</summary>
    public int MaxTransferCountOnMessageInMemory { get; set; } = 32;

    /// <summary>Most bytes a read returns when the data is considered on disk, default 64 KiB.</summary>
    public int MaxTransferBytesOnMessageInDisk { get; set; } = 64 * 1024;

    /// <summary>Most messages a read returns when the data is considered on disk, default 8.</summary>
    public int MaxTransferCountOnMessageInDisk { get; set; } = 8;

    /// <summary>Percentage of physical memory behind the head within which data counts as in memory, default 40.</summary>
    public int AccessMessageInMemoryMaxRatio { get; set; } = 40;

    /// <summary>
    /// How long one append may hold the commit-log lock before other appends are refused with
    /// OS_PAGE_CACHE_BUSY instead of queueing behind it (RocketMQ <c>osPageCacheBusyTimeOutMills</c>).
    /// Default 1 s. Risk: too low refuses sends during ordinary segment rolls; too high lets senders pile
    /// up behind a stalled disk.
    /// </summary>
    public TimeSpan OsPageCacheBusyTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Physical memory the in-memory window (<see cref="AccessMessageInMemoryMaxRatio"/>) is a share of, in
    /// bytes (RocketMQ reads the machine's total; this store defaults to the memory the runtime may use).
    /// Null (default) detects it. Risk: a small figure makes the master suggest slave reads early (tests use that).
    /// </summary>
    public long? TotalPhysicalMemoryBytes { get; set; }

    /// <summary>Delay levels for SCHEDULE_TOPIC_XXXX tags codes, default "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h".</summary>
    public string MessageDelayLevel { get; set; } = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

    /// <summary>Checks every option; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(StorePathRootDir))
        {
            throw new ArgumentException("StorePathRootDir must be set.", nameof(StorePathRootDir));
        }
        Check(MappedFileSizeCommitLog is >= 64 * 1024 and <= 1024 * 1024 * 1024, nameof(MappedFileSizeCommitLog), "must be between 64 KiB and 1 GiB");
        Check(MappedFileSizeConsumeQueue >= 20 && MappedFileSizeConsumeQueue % 20 == 0, nameof(MappedFileSizeConsumeQueue), "must be a positive multiple of 20");
        Check(MaxMessageSize >= 1024 && MaxMessageSize <= MappedFileSizeCommitLog - 8, nameof(MaxMessageSize), "must be at least 1 KiB and fit in a segment");
        Check(FlushIntervalCommitLog > TimeSpan.Zero, nameof(FlushIntervalCommitLog), "must be positive");
        Check(FlushCommitLogLeastPages >= 0, nameof(FlushCommitLogLeastPages), "must not be negative");
        Check(SyncFlushTimeout > TimeSpan.Zero, nameof(SyncFlushTimeout), "must be positive");
        Check(OsPageCacheBusyTimeout > TimeSpan.Zero, nameof(OsPageCacheBusyTimeout), "must be positive");
        Check(FlushIntervalConsumeQueue > TimeSpan.Zero, nameof(FlushIntervalConsumeQueue), "must be positive");
        Check(MaxHashSlotNum > 0 && MaxIndexNum > 0 && 40L + (MaxHashSlotNum * 4L) + (MaxIndexNum * 20L) <= int.MaxValue, nameof(MaxIndexNum), "index file must be positive and under 2 GiB");
        Check(FileReservedTime > 0, nameof(FileReservedTime), "must be positive");
        _ = ParseDeleteWhen(DeleteWhen);
        Check(DiskMaxUsedSpaceRatio is >= 10 and <= 95, nameof(DiskMaxUsedSpaceRatio), "must be between 10 and 95");
        Check(DiskSpaceCleanForciblyRatio is > 0 and < 1, nameof(DiskSpaceCleanForciblyRatio), "must be between 0 and 1");
        Check(DiskSpaceWarningLevelRatio is > 0 and < 1, nameof(DiskSpaceWarningLevelRatio), "must be between 0 and 1");
        Check(CleanResourceInterval > TimeSpan.Zero, nameof(CleanResourceInterval), "must be positive");
        Check(DeleteFilesBatchMax > 0, nameof(DeleteFilesBatchMax), "must be positive");
        Check(MaxTransferBytesOnMessageInMemory > 0 && MaxTransferCountOnMessageInMemory > 0
            && MaxTransferBytesOnMessageInDisk > 0 && MaxTransferCountOnMessageInDisk > 0, nameof(MaxTransferBytesOnMessageInMemory), "transfer limits must be positive");
        Check(AccessMessageInMemoryMaxRatio is > 0 and <= 100, nameof(AccessMessageInMemoryMaxRatio), "must be between 1 and 100");
        Check(TotalPhysicalMemoryBytes is null or > 0, nameof(TotalPhysicalMemoryBytes), "must be positive when set");
        _ = ParseDelayLevels(MessageDelayLevel);
    }

    internal StoreOptions Clone() => (StoreOptions)MemberwiseClone();

    internal static bool[] ParseDeleteWhen(string value)
    {
        var hours = new bool[24];
        foreach (var part in (value ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.CultureInfo.InvariantCulture, out int hour) || hour is < 0 or > 23)
            {
                throw new ArgumentException($"DeleteWhen '{value}' must list hours 0-23 separated by ';'.", nameof(DeleteWhen));
            }
            hours[hour] = true;
        }
        return hours;
    }

    internal static long[] ParseDelayLevels(string value)
    {
        var parts = (value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var result = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            string p = parts[i];
            long unit = p[^1] switch { 's' => 1000L, 'm' => 60_000L, 'h' => 3_600_000L, 'd' => 86_400_000L, _ => 0 };
            if (unit == 0 || !long.TryParse(p.AsSpan(0, p.Length - 1), System.Globalization.CultureInfo.InvariantCulture, out long n) || n < 0)
            {
                throw new ArgumentException($"MessageDelayLevel entry '{p}' must be a number followed by s, m, h or d.", nameof(MessageDelayLevel));
            }
            result[i] = n * unit;
        }
        return result;
    }

    private static void Check(bool ok, string name, string message)
    {
        if (!ok)
        {
            throw new ArgumentException($"{name} {message}.", name);
        }
    }
}
