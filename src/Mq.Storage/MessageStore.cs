using Mq.Storage.Threading;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Messages;
using Mq.Storage.Abstractions;
using Mq.Storage.CommitLog;
using Mq.Storage.ConsumeQueue;
using Mq.Storage.Devices;
using Mq.Storage.Dispatch;
using Mq.Storage.Index;
using Mq.Storage.Retention;

namespace Mq.Storage;

/// <summary>
/// An embeddable RocketMQ-format message store (RocketMQ <c>DefaultMessageStore</c>): commit log,
/// consume queues, key index, flush, dispatch, recovery and retention. Each role the broker and HA need
/// is a small interface implemented here; several stores can live in one process.
/// Open with <see cref="OpenAsync"/>; dispose to shut down cleanly.
/// </summary>
public sealed partial class MessageStore : ICommitLogWriter, ICommitLogReader, IConsumeQueueStore, IMessageIndex,
    IReplicationSource, IReplicationSink, IAsyncDisposable
{
    private readonly StoreOptions _options;
    private readonly ISegmentDeviceProvider _provider;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CommitLog.CommitLog _commitLog;
    private readonly ConsumeQueueTable _queues;
    private readonly IndexService? _index;
    private readonly ReputService _reput;
    private readonly Checkpoint _checkpoint;
    private readonly RetentionService _retention;
    private readonly ConcurrentQueue<GetMessagesResult> _resultPool = new();
    private readonly object _listenersLock = new();
    private readonly long _memoryWindow;
    private readonly string _abortPath;
    private readonly Func<long> _maxOffsetReader;
    private static readonly TimeSpan DisposeDispatchWait = TimeSpan.FromSeconds(10);
    private FlushService? _flush;
    private ITimer? _checkpointTimer;
    private ServiceThread? _checkpointService;
    private IMessageArrivalListener[] _listeners = [];
    private ICommitLogDispatcher[] _dispatchers = [];
    private int _disposed;
    private volatile BrokerRole _role;

    private MessageStore(StoreOptions options, ISegmentDeviceProvider provider, TimeProvider time, ILoggerFactory loggerFactory, IDiskSpaceProbe disk)
    {
        _options = options;
        _provider = provider;
        _time = time;
        _logger = loggerFactory.CreateLogger<MessageStore>();
        _commitLog = new CommitLog.CommitLog(options, provider, time, _logger);
        _queues = new ConsumeQueueTable(options, provider, _logger);
        _index = options.MessageIndexEnable ? new IndexService(options, provider, time, _logger) : null;
        _reput = new ReputService(_commitLog, _queues, _index, options, () => _listeners, () => _dispatchers, _logger);
        _checkpoint = new Checkpoint(provider, Path.Combine(options.StorePathRootDir, "checkpoint"));
        _retention = new RetentionService(this, options, disk, time, _logger);
        _abortPath = Path.Combine(options.StorePathRootDir, "abort");
        // Cached so an HA write loop waiting for new data does not allocate a delegate per wait.
        _maxOffsetReader = () => _commitLog.MaxOffset;
        _role = options.BrokerRole;
        long totalMemory = options.TotalPhysicalMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        // RocketMQ DefaultMessageStore.getMessage: TOTAL_PHYSICAL_MEMORY_SIZE * (ratio / 100.0).
        _memoryWindow = (long)(totalMemory * (options.AccessMessageInMemoryMaxRatio / 100.0));
    }

    /// <summary>The options in effect (a copy; changing it has no effect).</summary>
    public StoreOptions Options => _options.Clone();

    /// <summary>Used fraction (0..1) of the store's volume at the last disk check; NaN before the first.</summary>
    public double DiskUsedRatio => _retention.LastUsedRatio;

    /// <summary>
    /// Makes the next retention passes delete expired commit-log segments (older than <see cref="StoreOptions.FileReservedTime"/>)
    /// without waiting for a <see cref="StoreOptions.DeleteWhen"/> hour (RocketMQ <c>executeDeleteFilesManually</c>).
    /// </summary>
    public void DeleteExpiredFilesManually() => _retention.DeleteExpiredManually();

    /// <summary>How long the append in progress has held the commit log's write lock, in ms (0 when none; GET_BROKER_RUNTIME_INFO's pageCacheLockTimeMills).</summary>
    public long PageCacheLockTimeMills => _commitLog.LockHeldMs;

    /// <summary>Whether the last shutdown was not clean (recovery verified the tail).</summary>
    public bool RecoveredFromCrash { get; private set; }

    /// <summary>Bytes of commit log verified by the last recovery.</summary>
    public long RecoveredBytes { get; private set; }

    /// <summary>Why appends are refused right now (<see cref="WriteRefusal.None"/> when accepted).</summary>
    public WriteRefusal WriteRefusal => _commitLog.Refusal;

    /// <inheritdoc cref="ICommitLogReader.CommitLogMinOffset" />
    public long CommitLogMinOffset => _commitLog.MinOffset;

    /// <inheritdoc cref="ICommitLogReader.CommitLogMaxOffset" />
    public long CommitLogMaxOffset => _commitLog.MaxOffset;

    /// <inheritdoc />
    public long CommitLogFlushedOffset => _commitLog.FlushedOffset;

    /// <summary>The current role (<see cref="SetRole"/>).</summary>
    public BrokerRole Role => _role;

    /// <summary>Offset up to which consume queues and index are built.</summary>
    public long DispatchedOffset => _reput.DispatchedOffset;

    /// <summary>Passes the dispatch loop has made (tests).</summary>
    internal long DispatchPasses => _reput.Passes;

    /// <summary>
    /// Opens (creating or recovering) a store. <paramref name="deviceProvider"/> defaults to the kind in
    /// <see cref="StoreOptions.DeviceKind"/>; <paramref name="diskSpace"/> to the real volume.
    /// </summary>
    public static async Task<MessageStore> OpenAsync(StoreOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null,
        ISegmentDeviceProvider? deviceProvider = null, IDiskSpaceProbe? diskSpace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var settings = options.Clone();
        var provider = deviceProvider ?? settings.DeviceKind switch
        {
            SegmentDeviceKind.Memory => new MemorySegmentDeviceProvider(),
            SegmentDeviceKind.File => new FileSegmentDeviceProvider(mapped: false),
            _ => new FileSegmentDeviceProvider(mapped: true),
        };
        var store = new MessageStore(settings, provider, timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance,
            diskSpace ?? new DriveSpaceProbe());
        try
        {
            await store.StartAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeCoreAsync(clean: false).ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        bool abnormal = _provider.Exists(_abortPath);
        RecoveredFromCrash = abnormal;
        _provider.CreateMarker(_abortPath);

        RecoveredBytes = _commitLog.Load(Math.Min(_checkpoint.CommitLogOffset, _checkpoint.DispatchedOffset), _options.CheckCrcOnRecover);
        long max = _commitLog.MaxOffset;
        long min = _commitLog.MinOffset;

        _queues.Load();
        foreach (var cq in _queues.All())
        {
            cq.TruncateDirty(max);
            cq.DeleteExpired(min);
        }
        long reputFrom = Math.Clamp(_checkpoint.DispatchedOffset, min, max);
        if (_queues.IsEmpty)
        {
            // Every consume queue is gone (or the store is new): rebuild all of them from the log.
            reputFrom = min;
        }
        if (_index is not null)
        {
            reputFrom = Math.Max(min, _index.Load(abnormal, reputFrom));
        }
        StoreLog.Opened(_logger, _options.StorePathRootDir, abnormal ? "abnormal" : "normal", min, max, reputFrom);

        _reput.Start(reputFrom);
        // Like RocketMQ, serve nothing until consume queues caught up with the recovered log, so the
        // queue offsets seeded below are complete.
        await _reput.DispatchNotifier.WaitAsync(max, () => _reput.DispatchedOffset, cancellationToken).ConfigureAwait(false);
        foreach (var cq in _queues.All())
        {
            _commitLog.SeedQueueOffset(cq.Topic, cq.QueueId, cq.MaxOffset);
        }
        if (_options.BrokerRole == BrokerRole.Slave)
        {
            _commitLog.Refusal = WriteRefusal.SlaveRole;
        }
        _flush = new FlushService(_commitLog, _options, _time, _logger);
        // The consume-queue, index and checkpoint syncs block for milliseconds each second: a thread of their own,
        // which also runs them one at a time (a failure is logged and the next tick tries again).
        _checkpointService = new ServiceThread("Mq checkpoint", FlushQueuesAndCheckpoint, ex => StoreLog.BackgroundTaskFailed(_logger, "checkpoint", ex));
        _checkpointTimer = _time.CreateTimer(static s => ((ServiceThread)s!).Wake(), _checkpointService, _options.FlushIntervalConsumeQueue, _options.FlushIntervalConsumeQueue);
        _retention.Start();
    }

    /// <summary>Registers a listener for message arrivals (long polling); dispose the result to remove it.</summary>
    public IDisposable AddArrivalListener(IMessageArrivalListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_listenersLock)
        {
            _listeners = [.. _listeners, listener];
        }
        return new Registration(() =>
        {
            lock (_listenersLock)
            {
                _listeners = Array.FindAll(_listeners, l => !ReferenceEquals(l, listener));
            }
        });
    }

    /// <summary>Registers an extra dispatcher (runs after consume queue and before arrival listeners).</summary>
    public IDisposable AddDispatcher(ICommitLogDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        lock (_listenersLock)
        {
            _dispatchers = [.. _dispatchers, dispatcher];
        }
        return new Registration(() =>
        {
            lock (_listenersLock)
            {
                _dispatchers = Array.FindAll(_dispatchers, d => !ReferenceEquals(d, dispatcher));
            }
        });
    }

    /// <summary>Completes when consume queues and index cover every record below <paramref name="offset"/>.</summary>
    public ValueTask WaitForDispatchAsync(long offset, CancellationToken cancellationToken = default) =>
        _reput.DispatchedOffset >= offset
            ? ValueTask.CompletedTask
            : _reput.DispatchNotifier.WaitAsync(offset, () => _reput.DispatchedOffset, cancellationToken);

    /// <summary>
    /// Switches between master and slave behaviour for appends (HA role change). A slave refuses appends
    /// with SERVICE_NOT_AVAILABLE; a master accepts them again unless another refusal is in force.
    /// </summary>
    public void SetRole(BrokerRole role)
    {
        _role = role;
        if (role == BrokerRole.Slave && _commitLog.Refusal == WriteRefusal.None)
        {
            _commitLog.Refusal = WriteRefusal.SlaveRole;
        }
        else if (role != BrokerRole.Slave && _commitLog.Refusal == WriteRefusal.SlaveRole)
        {
            foreach (var cq in _queues.All())
            {
                _commitLog.SeedQueueOffset(cq.Topic, cq.QueueId, cq.MaxOffset);
            }
            _commitLog.Refusal = WriteRefusal.None;
        }
    }

    internal CommitLog.CommitLog CommitLog => _commitLog;

    internal ConsumeQueueTable Queues => _queues;

    internal IndexService? Index => _index;

    internal void SetDiskFull(bool full)
    {
        if (full && _commitLog.Refusal == WriteRefusal.None)
        {
            _commitLog.Refusal = WriteRefusal.DiskFull;
        }
        else if (!full && _commitLog.Refusal == WriteRefusal.DiskFull)
        {
            _commitLog.Refusal = WriteRefusal.None;
        }
    }

    /// <summary>
    /// Records how far recovery can trust: the dispatched offset is captured before consume queues and
    /// index are flushed, so every entry below it is durable when the checkpoint says so.
    /// </summary>
    private void FlushQueuesAndCheckpoint()
    {
        long dispatched = _reput.DispatchedOffset;
        long flushed = _commitLog.FlushedOffset;
        foreach (var cq in _queues.All())
        {
            cq.Flush();
        }
        _index?.Flush();
        long now = _commitLog.Now();
        _checkpoint.CommitLogOffset = flushed;
        _checkpoint.DispatchedOffset = Math.Min(dispatched, flushed);
        _checkpoint.PhysicMsgTimestamp = now;
        _checkpoint.LogicsMsgTimestamp = now;
        _checkpoint.IndexMsgTimestamp = now;
        _checkpoint.Flush();
    }

    /// <summary>Shuts down cleanly: flushes everything, writes the checkpoint, removes the abort marker.</summary>
    public ValueTask DisposeAsync() => DisposeCoreAsync(clean: true);

    /// <summary>Stops like a crash would (no flush, no checkpoint, abort marker kept). Tests use it.</summary>
    internal ValueTask CrashAsync() => DisposeCoreAsync(clean: false);

    private async ValueTask DisposeCoreAsync(bool clean)
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        var refusal = _commitLog.Refusal;
        _commitLog.Refusal = WriteRefusal.ShuttingDown;
        await _retention.DisposeAsync().ConfigureAwait(false);
        if (_checkpointTimer is not null)
        {
            await _checkpointTimer.DisposeAsync().ConfigureAwait(false);
        }
        if (_checkpointService is not null)
        {
            await _checkpointService.StopAsync().ConfigureAwait(false);
        }
        bool flushed = false;
        if (clean && _flush is not null && refusal != WriteRefusal.FlushFailed && !_flush.Failed)
        {
            try
            {
                // Bounded: a dispatcher that cannot write (a failing consume-queue device) must not hang the shutdown.
                // The checkpoint below records only what was dispatched, so the next open rebuilds the rest.
                using (var dispatchWait = new CancellationTokenSource(DisposeDispatchWait, _time))
                {
                    try
                    {
                        await WaitForDispatchAsync(_commitLog.MaxOffset, dispatchWait.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        StoreLog.DispatchIncompleteAtShutdown(_logger, _reput.DispatchedOffset, _commitLog.MaxOffset);
                    }
                }
                _flush.FlushNow();
                flushed = true;
            }
            catch (IOException ex)
            {
                StoreLog.FlushFailed(_logger, ex);
            }
        }
        await _reput.DisposeAsync().ConfigureAwait(false);
        if (_flush is not null)
        {
            await _flush.DisposeAsync().ConfigureAwait(false);
        }
        await _commitLog.DisposeAllocatorAsync().ConfigureAwait(false);
        _commitLog.MaxOffsetNotifier.Close();
        if (flushed)
        {
            try
            {
                FlushQueuesAndCheckpoint();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Without a checkpoint the next open recovers as after a crash: keep the abort marker.
                StoreLog.BackgroundTaskFailed(_logger, "final checkpoint", ex);
                flushed = false;
            }
        }
        foreach (var cq in _queues.All())
        {
            cq.Close();
        }
        _index?.Close();
        _checkpoint.Dispose();
        _commitLog.CloseSegments();
        if (flushed)
        {
            try
            {
                _provider.Delete(_abortPath);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The store folder is gone (or read-only): there is nothing left to mark clean.
                StoreLog.BackgroundTaskFailed(_logger, "abort marker removal", ex);
            }
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }
}
