using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;

namespace Mq.Storage.Ha;

/// <summary>
/// The SYNC_MASTER acknowledgement side of replication (RocketMQ <c>HAService.push2SlaveMaxOffset</c> and
/// <c>GroupTransferService</c>): slave reports advance <see cref="Push2SlaveMaxOffset"/> (max over slaves),
/// and a send waits until it reaches the end of its message. Waiters are pooled: a wait allocates nothing
/// in steady state. Each waiter completes exactly once (acknowledged, timed out or cancelled).
/// </summary>
public sealed class ReplicationAckTracker : IDisposable
{
    private readonly object _lock = new();
    private readonly List<Waiter> _waiters = [];
    private readonly ConcurrentQueue<Waiter> _pool = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _defaultTimeout;
    private readonly long _fallbehindMax;
    private long _push2SlaveMaxOffset;
    private int _connectedSlaves;
    private volatile bool _hasWaiters;
    private volatile bool _disposed;

    /// <summary>Creates a tracker using <see cref="HaOptions.SyncSlaveTimeout"/> and <see cref="HaOptions.SlaveFallbehindMax"/>.</summary>
    public ReplicationAckTracker(HaOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _defaultTimeout = options.SyncSlaveTimeout;
        _fallbehindMax = options.SlaveFallbehindMax;
    }

    /// <summary>Highest commit-log offset any slave reported having (0 before the first report).</summary>
    public long Push2SlaveMaxOffset => Volatile.Read(ref _push2SlaveMaxOffset);

    /// <summary>Number of slaves connected to the HA server right now.</summary>
    public int ConnectedSlaves => Volatile.Read(ref _connectedSlaves);

    /// <summary>
    /// RocketMQ <c>HAService.isSlaveOK</c>: a slave is connected and lags less than
    /// <see cref="HaOptions.SlaveFallbehindMax"/> behind <paramref name="masterOffset"/>.
    /// </summary>
    public bool IsSlaveAvailable(long masterOffset) =>
        ConnectedSlaves > 0 && masterOffset - Push2SlaveMaxOffset < _fallbehindMax;

    /// <summary>
    /// Waits until a slave reported an offset at or past <paramref name="offset"/> (the end of the message,
    /// <c>wroteOffset + wroteBytes</c>). Returns <see cref="PutMessageStatus.PutOk"/>,
    /// <see cref="PutMessageStatus.FlushSlaveTimeout"/> after <paramref name="timeout"/> (default
    /// <see cref="HaOptions.SyncSlaveTimeout"/>), or <see cref="PutMessageStatus.SlaveNotAvailable"/> at once
    /// when no healthy slave is connected. Throws <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    public ValueTask<PutMessageStatus> WaitForSlaveAsync(long offset, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (Push2SlaveMaxOffset >= offset)
        {
            return new ValueTask<PutMessageStatus>(PutMessageStatus.PutOk);
        }
        if (_disposed || !IsSlaveAvailable(offset))
        {
            return new ValueTask<PutMessageStatus>(PutMessageStatus.SlaveNotAvailable);
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<PutMessageStatus>(cancellationToken);
        }
        if (!_pool.TryDequeue(out var waiter))
        {
            waiter = new Waiter(this);
        }
        var wait = timeout ?? _defaultTimeout;
        short token = waiter.Arm(offset, wait, cancellationToken);
        lock (_lock)
        {
            _waiters.Add(waiter);
            _hasWaiters = true;
        }
        waiter.Start(wait);
        // A report that landed between the first check and the registration would otherwise be missed.
        if (Push2SlaveMaxOffset >= offset)
        {
            Release(Push2SlaveMaxOffset);
        }
        return new ValueTask<PutMessageStatus>(waiter, token);
    }

    /// <summary>Records a slave's report (called by the HA server for every complete 8-byte report).</summary>
    internal void Report(long slaveOffset)
    {
        long current = Volatile.Read(ref _push2SlaveMaxOffset);
        while (slaveOffset > current)
        {
            long seen = Interlocked.CompareExchange(ref _push2SlaveMaxOffset, slaveOffset, current);
            if (seen == current)
            {
                Release(slaveOffset);
                return;
            }
            current = seen;
        }
    }

    internal void SlaveConnected() => Interlocked.Increment(ref _connectedSlaves);

    internal void SlaveDisconnected() => Interlocked.Decrement(ref _connectedSlaves);

    /// <summary>Answers every pending wait with SLAVE_NOT_AVAILABLE and refuses new ones.</summary>
    public void Dispose()
    {
        _disposed = true;
        Waiter[] pending;
        lock (_lock)
        {
            pending = [.. _waiters];
        }
        foreach (var waiter in pending)
        {
            waiter.Complete(PutMessageStatus.SlaveNotAvailable, null);
        }
        while (_pool.TryDequeue(out var waiter))
        {
            waiter.DisposeTimer();
        }
    }

    private void Release(long acked)
    {
        if (!_hasWaiters)
        {
            return;
        }
        Waiter? single = null;
        List<Waiter>? more = null;
        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= acked)
                {
                    if (single is null)
                    {
                        single = _waiters[i];
                    }
                    else
                    {
                        (more ??= []).Add(_waiters[i]);
                    }
                }
            }
        }
        // Completed outside the lock: Complete removes under the same lock.
        single?.Complete(PutMessageStatus.PutOk, null);
        if (more is not null)
        {
            foreach (var waiter in more)
            {
                waiter.Complete(PutMessageStatus.PutOk, null);
            }
        }
    }

    private void Remove(Waiter waiter)
    {
        lock (_lock)
        {
            _waiters.Remove(waiter);
            _hasWaiters = _waiters.Count > 0;
        }
    }

    private sealed class Waiter : IValueTaskSource<PutMessageStatus>
    {
        private readonly ReplicationAckTracker _owner;
        private readonly ITimer _timer;
        private ManualResetValueTaskSourceCore<PutMessageStatus> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _registration;
        private CancellationToken _cancellationToken;
        private long _deadline;
        private int _completed;

        public Waiter(ReplicationAckTracker owner)
        {
            _owner = owner;
            _timer = owner._time.CreateTimer(static s => ((Waiter)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public long Target { get; private set; }

        public short Arm(long target, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Target = target;
            _cancellationToken = cancellationToken;
            _deadline = _owner._time.GetTimestamp() + (long)(timeout.TotalSeconds * _owner._time.TimestampFrequency);
            Volatile.Write(ref _completed, 0);
            return _core.Version;
        }

        public void Start(TimeSpan timeout)
        {
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            if (_cancellationToken.CanBeCanceled)
            {
                _registration = _cancellationToken.UnsafeRegister(static (s, t) => ((Waiter)s!).OnCancel(t), this);
                if (Volatile.Read(ref _completed) != 0)
                {
                    // Acknowledged before the registration existed: Complete could not remove it.
                    _registration.Unregister();
                }
            }
        }

        public void Complete(PutMessageStatus status, Exception? error)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0)
            {
                return;
            }
            _owner.Remove(this);
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _registration.Unregister();
            _registration = default;
            if (error is null)
            {
                _core.SetResult(status);
            }
            else
            {
                _core.SetException(error);
            }
        }

        public void DisposeTimer() => _timer.Dispose();

        public PutMessageStatus GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                _cancellationToken = default;
                if (!_owner._disposed)
                {
                    _owner._pool.Enqueue(this);
                }
                else
                {
                    _timer.Dispose();
                }
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);

        private void OnTimer()
        {
            // A late tick of a previous use must not time out this one: its deadline is still ahead.
            if (_owner._time.GetTimestamp() >= _deadline)
            {
                Complete(PutMessageStatus.FlushSlaveTimeout, null);
            }
        }

        private void OnCancel(CancellationToken token)
        {
            if (token == _cancellationToken)
            {
                Complete(default, new OperationCanceledException(token));
            }
        }
    }
}
