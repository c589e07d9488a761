using Microsoft.Extensions.Logging;
using Mq.Storage.Abstractions;

namespace Mq.Storage.Retention;

/// <summary>
/// Deletes old files and guards disk space (RocketMQ <c>CleanCommitLogService</c> +
/// <c>CleanConsumeQueueService</c>). Every <see cref="StoreOptions.CleanResourceInterval"/>:
/// above <see cref="StoreOptions.DiskSpaceWarningLevelRatio"/> appends are refused until usage drops;
/// segments older than <see cref="StoreOptions.FileReservedTime"/> are deleted at a
/// <see cref="StoreOptions.DeleteWhen"/> hour or whenever usage exceeds
/// <see cref="StoreOptions.DiskMaxUsedSpaceRatio"/>; above <see cref="StoreOptions.DiskSpaceCleanForciblyRatio"/>
/// the oldest segments go even if not expired. Consume-queue and index files pointing only into deleted
/// segments follow. The active segment is never deleted.
/// </summary>
internal sealed class RetentionService : IAsyncDisposable
{
    private readonly MessageStore _store;
    private readonly StoreOptions _options;
    private readonly IDiskSpaceProbe _disk;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool[] _deleteHours;
    private const int ManualDeletePasses = 20;
    private ITimer? _timer;
    private int _running;
    private int _manualPasses;

    public RetentionService(MessageStore store, StoreOptions options, IDiskSpaceProbe disk, TimeProvider time, ILogger logger)
    {
        _store = store;
        _options = options;
        _disk = disk;
        _time = time;
        _logger = logger;
        _deleteHours = StoreOptions.ParseDeleteWhen(options.DeleteWhen);
    }

    /// <summary>Used fraction of the store's volume at the last check (NaN until the first one).</summary>
    public double LastUsedRatio { get; private set; } = double.NaN;

    public void Start()
    {
        // A store opened on a disk that is already full refuses appends from the start, not one period later.
        try
        {
            CheckDiskSpace();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            StoreLog.BackgroundTaskFailed(_logger, "disk space check", ex);
        }
        _timer = _time.CreateTimer(static s => ((RetentionService)s!).Tick(), this, _options.CleanResourceInterval, _options.CleanResourceInterval);
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }
        try
        {
            RunOnce();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            StoreLog.BackgroundTaskFailed(_logger, "retention", ex);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Lets the next 20 passes delete expired segments whatever the hour (RocketMQ <c>executeDeleteFilesManually</c>,
    /// the admin command DELETE_EXPIRED_COMMITLOG).
    /// </summary>
    public void DeleteExpiredManually() => Volatile.Write(ref _manualPasses, ManualDeletePasses);

    /// <summary>One retention pass; returns the number of commit-log segments deleted.</summary>
    internal int RunOnce()
    {
        double ratio = CheckDiskSpace();
        var now = _time.GetUtcNow();
        bool timeUp = _deleteHours[TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone).Hour];
        bool spaceToDelete = ratio * 100 > _options.DiskMaxUsedSpaceRatio;
        bool force = ratio > _options.DiskSpaceCleanForciblyRatio;
        bool manual = Volatile.Read(ref _manualPasses) > 0;
        if (manual)
        {
            Interlocked.Decrement(ref _manualPasses);
        }
        int deleted = 0;
        var commitLog = _store.CommitLog;
        if (timeUp || spaceToDelete || manual)
        {
            long expiredBefore = now.ToUnixTimeMilliseconds() - (_options.FileReservedTime * 3_600_000L);
            deleted = commitLog.DeleteSegments(s => s.LastStoreTimestamp > 0 && s.LastStoreTimestamp <= expiredBefore, _options.DeleteFilesBatchMax, "expired");
        }
        if (force)
        {
            deleted += commitLog.DeleteSegments(static _ => true, _options.DeleteFilesBatchMax, "disk usage above the force-clean ratio");
        }
        if (deleted > 0)
        {
            long min = commitLog.MinOffset;
            foreach (var cq in _store.Queues.All())
            {
                cq.DeleteExpired(min);
            }
            _store.Index?.DeleteExpired(min);
        }
        return deleted;
    }

    /// <summary>Refuses or resumes appends by disk usage (RocketMQ <c>CleanCommitLogService.isSpaceToDelete</c>); returns the ratio.</summary>
    private double CheckDiskSpace()
    {
        double ratio = _disk.UsedRatio(_options.StorePathRootDir);
        LastUsedRatio = ratio;
        bool full = ratio > _options.DiskSpaceWarningLevelRatio;
        bool wasFull = _store.WriteRefusal == WriteRefusal.DiskFull;
        if (full && !wasFull)
        {
            StoreLog.DiskFull(_logger, ratio, _options.StorePathRootDir, _options.DiskSpaceWarningLevelRatio);
        }
        else if (!full && wasFull)
        {
            StoreLog.DiskSpaceRecovered(_logger, ratio);
        }
        _store.SetDiskFull(full);
        return ratio;
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }
        while (Volatile.Read(ref _running) == 1)
        {
            await Task.Yield();
        }
    }
}
