using System.Diagnostics;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// The responses of one read, completed together on a pool thread. Awaiting code then runs inline, one
/// request after another, instead of each continuation being a work item of its own that wakes a pool
/// thread; and the requests those continuations send on the same connection are written with one flush
/// after the batch instead of one socket write each (a closed loop of 50 senders issues its next 50 requests
/// in one write). The receive loop itself never runs awaiting code.
/// <para>
/// A continuation that blocks (sync-over-async, a long computation) must not hold up the rest of its batch
/// for good: it could be waiting for one of them. Each thread claims the next response with an atomic
/// counter, and the connection's 20 ms scan sends another pool thread in when no response was claimed for
/// <see cref="StallMilliseconds"/> (<see cref="RescueIfStalled"/>). A thread stops deferring its writes
/// <see cref="DeferLimitMicroseconds"/> after it started the batch, and every thread leaving the batch
/// flushes what it deferred.
/// </para>
/// </summary>
internal sealed class ResponseBatch : IThreadPoolWorkItem
{
    /// <summary>How long a batch may hold back the requests its continuations send.</summary>
    public const int DeferLimitMicroseconds = 500;

    /// <summary>How long a continuation may hold its batch before another thread takes the rest.</summary>
    public const int StallMilliseconds = 5;

    private const int Filling = 0;
    private const int Running = 1;
    private const int Rescued = 2;

    private static readonly long DeferLimitTicks = Stopwatch.Frequency * DeferLimitMicroseconds / 1_000_000;
    private static readonly long StallTicks = Stopwatch.Frequency * StallMilliseconds / 1000;

    [ThreadStatic]
    private static RemotingConnection? t_deferring;

    [ThreadStatic]
    private static long t_deferUntil;

    private readonly RemotingConnection _connection;
    private readonly List<(PendingRequest Pending, RemotingCommand Response)> _items = new(64);
    private int _state;
    private int _next;
    private int _done;
    private long _lastClaim;

    public ResponseBatch(RemotingConnection connection) => _connection = connection;

    /// <summary>Adds a response (receive loop only, before <see cref="Start"/>).</summary>
    public void Add(PendingRequest pending, RemotingCommand response) => _items.Add((pending, response));

    /// <summary>
    /// Whether a write on <paramref name="connection"/> from this thread may wait for the end of the batch
    /// running here (a continuation of one of its responses sending its next request).
    /// </summary>
    public static bool MayDefer(RemotingConnection connection) =>
        ReferenceEquals(t_deferring, connection) && Stopwatch.GetTimestamp() < t_deferUntil;

    /// <summary>Queues the filled batch to the pool (receive loop).</summary>
    public void Start()
    {
        _next = 0;
        _done = 0;
        Volatile.Write(ref _lastClaim, Stopwatch.GetTimestamp());
        Volatile.Write(ref _state, Running);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>
    /// Called by the connection's scan: when no response of this running batch was claimed for
    /// <see cref="StallMilliseconds"/>, one more pool thread completes the rest. Returns whether it did.
    /// </summary>
    public bool RescueIfStalled(long now)
    {
        long last = Volatile.Read(ref _lastClaim);
        int state = Volatile.Read(ref _state);
        if (state == Filling || now - last < StallTicks || Volatile.Read(ref _next) >= _items.Count
            || Interlocked.CompareExchange(ref _lastClaim, now, last) != last)
        {
            return false;
        }
        // A rescued batch is never reused: a thread still inside it may claim from it when it returns.
        Interlocked.CompareExchange(ref _state, Rescued, Running);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>
    /// Ends a finished batch (under the connection's batch lock, which the scan holds too): clears it and
    /// returns whether it can take the next read's responses (not when a rescue was sent in).
    /// </summary>
    public bool Recycle()
    {
        bool reusable = Interlocked.CompareExchange(ref _state, Filling, Running) == Running;
        _items.Clear();
        return reusable;
    }

    void IThreadPoolWorkItem.Execute()
    {
        RemotingConnection? outer = t_deferring;
        long outerUntil = t_deferUntil;
        t_deferring = _connection;
        t_deferUntil = Stopwatch.GetTimestamp() + DeferLimitTicks;
        bool finished = false;
        try
        {
            int count = _items.Count;
            while (true)
            {
                int index = Interlocked.Increment(ref _next) - 1;
                if (index >= count)
                {
                    break;
                }
                Volatile.Write(ref _lastClaim, Stopwatch.GetTimestamp());
                (PendingRequest pending, RemotingCommand response) = _items[index];
                try
                {
                    if (!pending.TrySetResult(response))
                    {
                        response.Dispose();
                    }
                }
                finally
                {
                    // The thread completing the last response ends the batch and touches it no more.
                    if (Interlocked.Increment(ref _done) == count)
                    {
                        finished = true;
                    }
                }
                if (finished)
                {
                    break;
                }
            }
        }
        finally
        {
            t_deferring = outer;
            t_deferUntil = outerUntil;
            if (finished)
            {
                _connection.OnResponseBatchDone(this);
            }
            else
            {
                _connection.FlushQueued(); // what this thread deferred; another thread finishes the batch
            }
        }
    }
}
