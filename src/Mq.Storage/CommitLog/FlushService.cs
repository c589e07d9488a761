using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mq.Storage.Threading;

namespace Mq.Storage.CommitLog;

/// <summary>
/// Flushes the commit log (RocketMQ <c>GroupCommitService</c> / <c>FlushRealTimeService</c>). Sync flush:
/// each appender awaits its own end offset; one fdatasync covers every waiter up to the offset it
/// flushed (group commit). Async flush: a timer flushes whatever is dirty every interval; unless
/// <see cref="StoreOptions.FlushCommitLogTimed"/>, an append leaving <see cref="StoreOptions.FlushCommitLogLeastPages"/>
/// unflushed also wakes the loop, which then syncs whole pages (deviation: RocketMQ's interval pass also
/// waits for the least pages, flushing a smaller tail only every 10 s); a durability wait still works.
/// A failed flush fails every pending wait and puts the store in <see cref="WriteRefusal.FlushFailed"/>:
/// after a failed fdatasync the page cache state is unknown, so nothing is ever reported durable again
/// until the store is reopened and recovered.
/// Deliberate deviation: RocketMQ 4.9's <c>MappedFile.flush</c> logs the failure and advances the flushed
/// position anyway, so a SYNC_FLUSH send is answered SEND_OK for bytes that never reached the disk. Retrying the
/// fdatasync is no cure either (Linux may drop the dirty pages and report the next fdatasync clean, the
/// "fsyncgate" lesson PostgreSQL took): the waiters get UNKNOWN_ERROR (SYSTEM_ERROR on the wire), later sends
/// SERVICE_NOT_AVAILABLE, reads go on, and the next open verifies the log like after a crash.
/// </summary>
internal sealed class FlushService : IAsyncDisposable
{
    private readonly CommitLog _commitLog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _timeoutTicks;
    private readonly ServiceThread _service;
    private readonly object _lock = new();
    private readonly List<FlushWaiter> _pending = [];
    private readonly ConcurrentQueue<FlushWaiter> _pool = new();
    private readonly ITimer _timer;
    private volatile bool _failed;

    public FlushService(CommitLog commitLog, StoreOptions options, TimeProvider time, ILogger logger)
    {
        _commitLog = commitLog;
        _time = time;
        _logger = logger;
        _timeoutTicks = (long)(options.SyncFlushTimeout.TotalSeconds * time.TimestampFrequency);
        // Async mode: the timer is the flush clock. Sync mode: it only expires overdue waiters.
        var period = options.FlushDiskType == FlushDiskType.AsyncFlush
            ? options.FlushIntervalCommitLog
            : TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, options.SyncFlushTimeout.Ticks / 4));
        bool async = options.FlushDiskType == FlushDiskType.AsyncFlush;
        _isAsync = async;
        // A thread of its own, as RocketMQ's flush services have: fdatasync and msync block for milliseconds
        // (a full interval's pages, or a slow disk), and on the pool that starved socket continuations and
        // handlers of a two-core machine. FlushOnce handles its own failures.
        _service = new ServiceThread("Mq commit-log flush", FlushOnce, ex => StoreLog.FlushFailed(logger, ex));
        if (async && !options.FlushCommitLogTimed)
        {
            commitLog.WakeFlusherAt(_service, (long)options.FlushCommitLogLeastPages * CommitLog.PageSize);
        }
        _timer = time.CreateTimer(static s => ((FlushService)s!).OnTimer(), this, period, period);
    }

    private readonly bool _isAsync;

    /// <summary>Whether a flush has failed (appends are refused).</summary>
    public bool Failed => _failed;

    /// <summary>
    /// Completes with PUT_OK once every byte below <paramref name="offset"/> is durable, FLUSH_DISK_TIMEOUT
    /// after <see cref="StoreOptions.SyncFlushTimeout"/>, or UNKNOWN_ERROR when the flush failed.
    /// </summary>
    public ValueTask<PutMessageStatus> WaitAsync(long offset, CancellationToken cancellationToken)
    {
        if (_failed)
        {
            return new ValueTask<PutMessageStatus>(PutMessageStatus.UnknownError);
        }
        if (_commitLog.FlushedOffset >= offset)
        {
            return new ValueTask<PutMessageStatus>(PutMessageStatus.PutOk);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (!_pool.TryDequeue(out var waiter))
        {
            waiter = new FlushWaiter(this);
        }
        waiter.Arm(offset, _time.GetTimestamp() + _timeoutTicks);
        short version = waiter.Version;
        lock (_lock)
        {
            _pending.Add(waiter);
        }
        waiter.Register(cancellationToken);
        _service.Wake();
        return new ValueTask<PutMessageStatus>(waiter, version);
    }

    internal void Return(FlushWaiter waiter) => _pool.Enqueue(waiter);

    internal void Cancel(FlushWaiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Completed)
            {
                return;
            }
            waiter.Completed = true;
            _pending.Remove(waiter);
        }
        waiter.SetCanceled();
    }

    /// <summary>Flushes now (used at shutdown); throws if the flush fails.</summary>
    public void FlushNow()
    {
        lock (_flushLock)
        {
            _commitLog.Flush();
        }
        Complete(_commitLog.FlushedOffset, PutMessageStatus.PutOk, timedOutOnly: false);
    }

    private readonly object _flushLock = new();

    /// <summary>Set by the interval timer: the next pass flushes the partly filled last page too.</summary>
    private int _flushAll;

    private bool HasWaiters
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count > 0;
            }
        }
    }

    private void OnTimer()
    {
        if (_isAsync)
        {
            Volatile.Write(ref _flushAll, 1);
            _service.Wake();
        }
        Complete(long.MinValue, PutMessageStatus.FlushDiskTimeout, timedOutOnly: true);
    }

    private void FlushOnce()
    {
        if (_failed)
        {
            return;
        }
        try
        {
            long flushed;
            lock (_flushLock)
            {
                // Appends woke the loop (async flush): whole pages only. The interval, a durability waiter
                // and sync flush take everything.
                bool wholePagesOnly = _isAsync && Interlocked.Exchange(ref _flushAll, 0) == 0 && !HasWaiters;
                flushed = _commitLog.Flush(wholePagesOnly);
            }
            Complete(flushed, PutMessageStatus.PutOk, timedOutOnly: false);
        }
        catch (Exception ex)
        {
            // Whatever went wrong, nothing below the target can be called durable.
            _failed = true;
            _commitLog.Refusal = WriteRefusal.FlushFailed;
            StoreLog.FlushFailed(_logger, ex);
            Complete(long.MaxValue, PutMessageStatus.UnknownError, timedOutOnly: false);
        }
    }

    private void Complete(long upTo, PutMessageStatus status, bool timedOutOnly)
    {
        List<FlushWaiter>? done = null;
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                var waiter = _pending[i];
                bool hit = timedOutOnly ? now >= waiter.DeadlineTicks : waiter.Offset <= upTo;
                if (hit)
                {
                    waiter.Completed = true;
                    _pending.RemoveAt(i);
                    (done ??= []).Add(waiter);
                }
            }
        }
        if (done is not null)
        {
            foreach (var waiter in done)
            {
                waiter.SetResult(status);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _service.StopAsync().ConfigureAwait(false);
        await _timer.DisposeAsync().ConfigureAwait(false);
        Complete(long.MaxValue, _failed ? PutMessageStatus.UnknownError : PutMessageStatus.FlushDiskTimeout, timedOutOnly: false);
    }
}
