using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// The messages pulled from one queue and not yet consumed (RocketMQ <c>ProcessQueue</c>). Its offset rule
/// (§9.4): the offset to commit is the smallest offset still in flight, or one past the largest offset ever
/// cached when nothing is in flight, so an unacknowledged message is never skipped.
/// </summary>
internal sealed class ProcessQueue
{
    private readonly SortedDictionary<long, long> _inFlight = [];
    private readonly object _gate = new();
    private readonly SemaphoreSlim _space = new(0);
    private long _maxOffset = -1;
    private long _bytes;

    public ProcessQueue(MessageQueue queue)
    {
        Queue = queue;
    }

    public MessageQueue Queue { get; }

    public CancellationTokenSource Stop { get; } = new();

    public Task? PullLoop { get; set; }

    public bool Dropped => Stop.IsCancellationRequested;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Offset span between the first and last cached message.</summary>
    public long Span
    {
        get
        {
            lock (_gate)
            {
                return _inFlight.Count == 0 ? 0 : _maxOffset - FirstKey();
            }
        }
    }

    public void Add(long queueOffset, int size)
    {
        lock (_gate)
        {
            if (_inFlight.TryAdd(queueOffset, size))
            {
                _bytes += size;
            }
            if (queueOffset > _maxOffset)
            {
                _maxOffset = queueOffset;
            }
        }
    }

    /// <summary>Removes a consumed message; returns the offset to commit, or -1 when none was cached.</summary>
    public long Remove(long queueOffset)
    {
        long result;
        lock (_gate)
        {
            if (_inFlight.Count == 0)
            {
                return -1;
            }
            if (_inFlight.Remove(queueOffset, out long size))
            {
                _bytes -= size;
            }
            result = _inFlight.Count == 0 ? _maxOffset + 1 : FirstKey();
        }
        if (_space.CurrentCount == 0)
        {
            _space.Release();
        }
        return result;
    }

    /// <summary>Waits until a message leaves the queue (flow control), or <paramref name="timeout"/>.</summary>
    public Task WaitForSpaceAsync(TimeSpan timeout, CancellationToken cancellationToken) => _space.WaitAsync(timeout, cancellationToken);

    private long FirstKey()
    {
        foreach (long key in _inFlight.Keys)
        {
            return key;
        }
        return -1;
    }
}
