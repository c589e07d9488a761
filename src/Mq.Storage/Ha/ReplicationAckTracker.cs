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
        short token;
        long generation;
        lock (_lock)
        {
            // Armed and listed in one step: every completion path (ack, timer, cancel, dispose) identifies
            // this use by its generation under this lock, so a late event of an earlier use of the same
            // pooled waiter can never complete (or miss) this one.
            token = waiter.Arm(offset, wait, cancellationToken);
            generation = waiter.Generation;
            _waiters.Add(waiter);
            _hasWaiters = true;
        }
        waiter.Start(generation, wait);
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

    /// <summary>Pending waits (tests check nothing is left behind).</summary>
    internal int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>Answers every pending wait with SLAVE_NOT_AVAILABLE and refuses new ones.</summary>
    public void Dispose()
    {
        _disposed = true;
        (Waiter Waiter, long Generation)[] pending;
        lock (_lock)
        {
            pending = new (Waiter, long)[_waiters.Count];
            for (int i = 0; i < pending.Length; i++)
            {
                pending[i] = (_waiters[i], _waiters[i].Generation);
            }
        }
        foreach (var (waiter, generation) in pending)
        {
            waiter.Complete(generation, PutMessageStatus.SlaveNotAvailable, null);
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
        long singleGeneration = 0;
        List<(Waiter, long)>? more = null;
        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (waiter.Target <= acked)
                {
                    if (single is null)
                    {
                        single = waiter;
                        singleGeneration = waiter.Generation;
                    }
                    else
                    {
                        (more ??= []).Add((waiter, waiter.Generation));
                    }
                }
            }
        }
        // Completed outside the lock (continuations may run inline); the generation captured above makes a
        // completion that lost a race with a timeout a no-op instead of completing the waiter's next use.
        single?.Complete(singleGeneration, PutMessageStatus.PutOk, null);
        if (more is not null)
        {
            foreach (var (waiter, generation) in more)
            {
                waiter.Complete(generation, PutMessageStatus.PutOk, null);
            }
        }
    }

    /// <summary>Removes the waiter if it is still pending in <paramref name="generation"/>; true for exactly one caller.</summary>
    private bool TryRemove(Waiter waiter, long generation)
    {
        lock (_lock)
        {
            if (waiter.Generation != generation || !_waiters.Remove(waiter))
            {
                return false;
            }
            _hasWaiters = _waiters.Count > 0;
            return true;
        }
    }

    /// <summary>
    /// One pooled wait. A use is identified by its generation (bumped by <see cref="Arm"/> under the
    /// tracker lock); whoever removes it from the pending list for that generation completes it, once.
    /// The timer is reused: a tick that arrives early (timer and timestamp clocks differ) re-arms it for
    /// the remainder instead of being dropped, and a late tick of a previous use finds a new generation.
    /// </summary>
    private sealed class Waiter : IValueTaskSource<PutMessageStatus>
    {
        private readonly ReplicationAckTracker _owner;
        private readonly ITimer _timer;
        private ManualResetValueTaskSourceCore<PutMessageStatus> _core = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _registration;
        private CancellationToken _cancellationToken;
        private long _deadline;

        public Waiter(ReplicationAckTracker owner)
        {
            _owner = owner;
            _timer = owner._time.CreateTimer(static s => ((Waiter)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        public long Target { get; private set; }

        /// <summary>Current use; read and written under the tracker lock.</summary>
        public long Generation { get; private set; }

        /// <summary>Prepares a new use; the caller holds the tracker lock.</summary>
        public short Arm(long target, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Generation++;
            Target = target;
            _cancellationToken = cancellationToken;
            _deadline = _owner._time.GetTimestamp() + (long)(timeout.TotalSeconds * _owner._time.TimestampFrequency);
            return _core.Version;
        }

        public void Start(long generation, TimeSpan timeout)
        {
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
            if (!_cancellationToken.CanBeCanceled)
            {
                return;
            }
            // Registered after listing: a cancellation that raced the listing runs the callback inline here
            // and completes the use through the normal path. The registration is kept only while this use
            // is still pending; otherwise Complete already ran and nobody else would remove it.
            var registration = _cancellationToken.UnsafeRegister(static (s, t) => ((Waiter)s!).OnCancel(t), this);
            lock (_owner._lock)
            {
                if (Generation == generation && _owner._waiters.Contains(this))
                {
                    _registration = registration;
                    return;
                }
            }
            registration.Unregister();
        }

        public void Complete(long generation, PutMessageStatus status, Exception? error)
        {
            if (!_owner.TryRemove(this, generation))
            {
                return;
            }
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            CancellationTokenRegistration registration;
            lock (_owner._lock)
            {
                registration = _registration;
                _registration = default;
            }
            // Unregister (not Dispose): it never waits, so a cancel callback completing this use does not deadlock.
            registration.Unregister();
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
            long generation;
            lock (_owner._lock)
            {
                if (!_owner._waiters.Contains(this))
                {
                    // A late tick of a use that already completed.
                    return;
                }
                generation = Generation;
                long remaining = _deadline - _owner._time.GetTimestamp();
                if (remaining > 0)
                {
                    // Fired early (the timer's clock is coarser than the timestamp): wait out the rest.
                    _timer.Change(TimeSpan.FromSeconds((double)remaining / _owner._time.TimestampFrequency) + TimeSpan.FromMilliseconds(1),
                        Timeout.InfiniteTimeSpan);
                    return;
                }
            }
            Complete(generation, PutMessageStatus.FlushSlaveTimeout, null);
        }

        private void OnCancel(CancellationToken token)
        {
            long generation;
            lock (_owner._lock)
            {
                if (token != _cancellationToken || !_owner._waiters.Contains(this))
                {
                    return;
                }
                generation = Generation;
            }
            Complete(generation, default, new OperationCanceledException(token));
        }
    }
}
