namespace Mq.Storage.Threading;

/// <summary>
/// Waiters for "an offset has reached X". Callers register then re-check the offset, and the producer
/// publishes then calls <see cref="Notify"/>, so no wake-up is lost. Costs one volatile read per
/// notification while nobody waits.
/// </summary>
internal sealed class OffsetNotifier
{
    private readonly object _lock = new();
    private readonly List<(long Target, TaskCompletionSource Source)> _waiters = [];
    private volatile bool _hasWaiters;
    private Exception? _closed;

    /// <summary>Waiters still listed (diagnostics and tests).</summary>
    public int WaiterCount
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    public void Notify(long value)
    {
        if (!_hasWaiters)
        {
            return;
        }
        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= value)
                {
                    _waiters[i].Source.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
            _hasWaiters = _waiters.Count > 0;
        }
    }

    public async ValueTask WaitAsync(long target, Func<long> current, CancellationToken cancellationToken)
    {
        TaskCompletionSource source;
        lock (_lock)
        {
            if (_closed is not null)
            {
                throw new ObjectDisposedException("The message store is closed.", _closed);
            }
            source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, source));
            _hasWaiters = true;
        }
        if (current() >= target)
        {
            Notify(current());
        }
        try
        {
            await source.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Without this a waiter that gives up (an idle HA connection every heartbeat) would stay
            // listed until the offset finally moves.
            Remove(source);
            throw;
        }
    }

    private void Remove(TaskCompletionSource source)
    {
        lock (_lock)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(_waiters[i].Source, source))
                {
                    _waiters.RemoveAt(i);
                    break;
                }
            }
            _hasWaiters = _waiters.Count > 0;
        }
    }

    public void Close()
    {
        lock (_lock)
        {
            _closed = new ObjectDisposedException("The message store is closed.");
            foreach (var (_, source) in _waiters)
            {
                source.TrySetException(_closed);
            }
            _waiters.Clear();
            _hasWaiters = false;
        }
    }
}
