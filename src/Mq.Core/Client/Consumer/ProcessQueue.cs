using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// The messages pulled from one queue and not yet consumed (RocketMQ <c>ProcessQueue</c>). Its offset rule
/// (§9.4): the offset to commit is the smallest offset still in flight, or one past the largest offset ever
/// cached when nothing is in flight, so an unacknowledged message is never skipped.
/// </summary>
internal sealed class ProcessQueue
{
    // In-flight offsets, ascending, in _offsets[_start.._end) with their sizes (Consumed once handled). A queue
    // is pulled in offset order, so adding is an append and the smallest in-flight offset is the first slot:
    // no node per message as a sorted tree would allocate. The head slot is always in flight.
    private const int Consumed = -1;
    private long[] _offsets = new long[64];
    private int[] _sizes = new int[64];
    private int _start;
    private int _end;
    private int _inFlight;
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

    /// <summary>Orderly mode: messages in queue order for the single consume worker.</summary>
    public System.Threading.Channels.Channel<ReceivedMessage>? Ordered { get; set; }

    public Task? ConsumeWorker { get; set; }

    /// <summary>When the queue was last pulled and a message of it last consumed (<see cref="Environment.TickCount64"/>; 0 = never).</summary>
    public long LastPullTick { get; set; }

    public long LastConsumeTick { get; set; }

    /// <summary>Orderly mode: whether the broker lock is held, and when it was last confirmed (a <see cref="TimeProvider"/> timestamp).</summary>
    public bool Locked { get; set; }

    public long LastLockTimestamp { get; set; }

    public bool Dropped => Stop.IsCancellationRequested;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
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
                return _inFlight == 0 ? 0 : _maxOffset - _offsets[_start];
            }
        }
    }

    public void Add(long queueOffset, int size)
    {
        lock (_gate)
        {
            if (_start == _end || queueOffset > _offsets[_end - 1])
            {
                if (_end == _offsets.Length)
                {
                    MakeRoom();
                }
                _offsets[_end] = queueOffset;
                _sizes[_end++] = size;
                Track(size);
            }
            else
            {
                AddOutOfOrder(queueOffset, size);
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
            if (_inFlight == 0)
            {
                return -1;
            }
            int slot = Array.BinarySearch(_offsets, _start, _end - _start, queueOffset);
            if (slot >= 0 && _sizes[slot] != Consumed)
            {
                _bytes -= _sizes[slot];
                _sizes[slot] = Consumed;
                _inFlight--;
            }
            while (_start < _end && _sizes[_start] == Consumed)
            {
                _start++;
            }
            if (_start == _end)
            {
                _start = _end = 0;
            }
            result = _inFlight == 0 ? _maxOffset + 1 : _offsets[_start];
        }
        if (_space.CurrentCount == 0)
        {
            _space.Release();
        }
        return result;
    }

    /// <summary>This queue's line in GET_CONSUMER_RUNNING_INFO (RocketMQ <c>ProcessQueue.fillProcessQueueInfo</c>).</summary>
    public ProcessQueueInfo Info(long commitOffset, TimeProvider time)
    {
        long nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        long nowTick = Environment.TickCount64;
        long Epoch(long tick) => tick == 0 ? 0 : nowMs - (nowTick - tick);
        lock (_gate)
        {
            return new ProcessQueueInfo
            {
                CommitOffset = commitOffset,
                CachedMsgMinOffset = _inFlight == 0 ? 0 : _offsets[_start],
                CachedMsgMaxOffset = _inFlight == 0 ? 0 : _maxOffset,
                CachedMsgCount = _inFlight,
                CachedMsgSizeInMiB = (int)(_bytes / (1024 * 1024)),
                Locked = Locked,
                LastLockTimestamp = LastLockTimestamp == 0 ? 0 : nowMs - (long)time.GetElapsedTime(LastLockTimestamp).TotalMilliseconds,
                Dropped = Dropped,
                LastPullTimestamp = Epoch(LastPullTick),
                LastConsumeTimestamp = Epoch(LastConsumeTick),
            };
        }
    }

    /// <summary>Waits until a message leaves the queue (flow control), or <paramref name="timeout"/>.</summary>
    public Task WaitForSpaceAsync(TimeSpan timeout, CancellationToken cancellationToken) => _space.WaitAsync(timeout, cancellationToken);

    // An offset at or below the last one cached: a redelivery or a re-pull after the queue was reset. Rare,
    // so inserting may shift the slots; an offset still in flight is not added twice.
    private void AddOutOfOrder(long queueOffset, int size)
    {
        int slot = Array.BinarySearch(_offsets, _start, _end - _start, queueOffset);
        if (slot >= 0)
        {
            if (_sizes[slot] == Consumed)
            {
                _sizes[slot] = size;
                Track(size);
            }
            return;
        }
        slot = ~slot;
        if (_end == _offsets.Length)
        {
            slot -= _start;
            MakeRoom();
        }
        Array.Copy(_offsets, slot, _offsets, slot + 1, _end - slot);
        Array.Copy(_sizes, slot, _sizes, slot + 1, _end - slot);
        _offsets[slot] = queueOffset;
        _sizes[slot] = size;
        _end++;
        Track(size);
    }

    private void Track(int size)
    {
        _inFlight++;
        _bytes += size;
    }

    // The slots are full: move the live range to the front, and double the arrays when it fills half of them.
    private void MakeRoom()
    {
        int length = _end - _start;
        if (length >= _offsets.Length / 2)
        {
            long[] offsets = new long[_offsets.Length * 2];
            int[] sizes = new int[_sizes.Length * 2];
            Array.Copy(_offsets, _start, offsets, 0, length);
            Array.Copy(_sizes, _start, sizes, 0, length);
            _offsets = offsets;
            _sizes = sizes;
        }
        else
        {
            Array.Copy(_offsets, _start, _offsets, 0, length);
            Array.Copy(_sizes, _start, _sizes, 0, length);
        }
        _start = 0;
        _end = length;
    }
}
