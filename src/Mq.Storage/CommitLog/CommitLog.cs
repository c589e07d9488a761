using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Mq.Storage.Devices;
using Mq.Storage.Threading;

namespace Mq.Storage.CommitLog;

/// <summary>
/// The commit log (RocketMQ <c>CommitLog</c>): fixed-size segments holding records back to back.
/// One writer lock covers reservation, queue-offset assignment and the copy into a pre-touched segment;
/// the new end is published (<see cref="MaxOffset"/>) only after the record is complete, so readers and
/// the dispatcher never see a half-written record.
/// </summary>
internal sealed partial class CommitLog
{
    private readonly Lock _writeLock = new();
    private readonly string _directory;
    private readonly int _segmentSize;
    private readonly int _maxMessageSize;
    private readonly ISegmentDeviceProvider _provider;
    private readonly TimeProvider _time;
    private readonly bool _systemTime;
    private readonly ILogger _logger;
    private readonly SegmentAllocator _allocator;
    private readonly Dictionary<QueueKey, StrongBox<long>> _queueOffsets = [];
    private readonly RecentSlot[] _recentSlots = new RecentSlot[RecentSlotCount];
    private int _nextRecentSlot;
    private volatile CommitLogSegment[] _segments = [];
    private CommitLogSegment? _active;
    private long _writePosition;
    private long _maxOffset;
    private long _minOffset;
    private byte[] _scratch = [];
    private volatile WriteRefusal _refusal;
    private readonly long _busyTimeoutMs;
    private long _lockHeldSinceMs;
    private long _lastStoreTimestamp;

    public CommitLog(StoreOptions options, ISegmentDeviceProvider provider, TimeProvider time, ILogger logger)
    {
        _directory = Path.Combine(options.StorePathRootDir, "commitlog");
        _segmentSize = options.MappedFileSizeCommitLog;
        _maxMessageSize = options.MaxMessageSize;
        _busyTimeoutMs = (long)options.OsPageCacheBusyTimeout.TotalMilliseconds;
        _provider = provider;
        _time = time;
        _systemTime = ReferenceEquals(time, TimeProvider.System);
        _logger = logger;
        _allocator = new SegmentAllocator(_directory, _segmentSize, options.WarmMappedFileEnable, options.FlushDiskType == FlushDiskType.SyncFlush, provider, logger);
    }

    /// <summary>Signalled after every publish; the dispatcher waits on it.</summary>
    public AsyncSignal Appended { get; } = new();

    private ServiceThread? _eagerFlush;
    private long _eagerFlushBytes;

    /// <summary>
    /// Async flush: appends that leave at least <paramref name="unflushedBytes"/> unflushed set
    /// <paramref name="flusher"/> (RocketMQ's put wakes <c>FlushRealTimeService</c>, which flushes once
    /// <c>flushCommitLogLeastPages</c> are dirty). Call before the first append.
    /// </summary>
    public void WakeFlusherAt(ServiceThread flusher, long unflushedBytes)
    {
        _eagerFlushBytes = Math.Max(1, unflushedBytes);
        _eagerFlush = flusher;
    }

    /// <summary>After a message append ending at <paramref name="end"/>: wakes the flusher when enough is unflushed.</summary>
    private void WakeFlusherIfDue(long end)
    {
        if (_eagerFlush is { } flusher && end - Volatile.Read(ref _flushedOffset) >= _eagerFlushBytes)
        {
            flusher.Wake();
        }
    }

    /// <summary>Waiters for <see cref="MaxOffset"/>.</summary>
    public OffsetNotifier MaxOffsetNotifier { get; } = new();

    public int SegmentSize => _segmentSize;

    /// <summary>End of the last complete record (exclusive): everything below is readable.</summary>
    public long MaxOffset => Volatile.Read(ref _maxOffset);

    /// <summary>Start of the oldest retained segment.</summary>
    public long MinOffset => Volatile.Read(ref _minOffset);

    public WriteRefusal Refusal
    {
        get => _refusal;
        set => _refusal = value;
    }

    internal CommitLogSegment[] Segments => _segments;

    /// <summary>
    /// Whether the append in progress has held the write lock longer than the busy timeout (RocketMQ
    /// <c>isOSPageCacheBusy</c>): a stalled page fault or segment creation. Costs one volatile read while
    /// no append is inside the lock.
    /// </summary>
    public bool IsOsPageCacheBusy
    {
        get
        {
            long since = Volatile.Read(ref _lockHeldSinceMs);
            return since != 0 && LockClockMs() - since > _busyTimeoutMs;
        }
    }

    /// <summary>How long the append in progress has held the write lock, in ms; 0 when none is inside (RocketMQ <c>lockTimeMills</c>).</summary>
    public long LockHeldMs
    {
        get
        {
            long since = Volatile.Read(ref _lockHeldSinceMs);
            return since == 0 ? 0 : Math.Max(0, LockClockMs() - since);
        }
    }

    /// <summary>Current store time in ms.</summary>
    public long Now() => _systemTime
        // Every append reads the clock (before taking the write lock); the system clock's direct read skips the
        // provider's virtual call and DateTimeOffset conversion (a few ns of a ~30 ns read here).
        ? (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond
        : _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// The clock of the busy check: only elapsed time matters, at a resolution far below the busy timeout
    /// (a second), so the system's coarse monotonic tick (about 5 ns to read here, against 25 ns for the
    /// wall clock) serves, and a wall-clock step cannot fake or hide a stall.
    /// </summary>
    private long LockClockMs() => _systemTime ? Environment.TickCount64 : _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Seeds the next queue offset of a queue (recovery) unless it is already further.</summary>
    public void SeedQueueOffset(string topic, int queueId, long nextOffset)
    {
        lock (_writeLock)
        {
            var slot = QueueSlot(topic, queueId);
            if (nextOffset > slot.Value)
            {
                slot.Value = nextOffset;
            }
        }
    }

    /// <summary>Forgets the next-queue-offset counters of every queue of <paramref name="topic"/>.</summary>
    public void RemoveQueueOffsets(string topic)
    {
        lock (_writeLock)
        {
            var doomed = new List<QueueKey>();
            foreach (var (key, _) in _queueOffsets)
            {
                if (string.Equals(key.Topic, topic, StringComparison.Ordinal))
                {
                    doomed.Add(key);
                }
            }
            foreach (var key in doomed)
            {
                _queueOffsets.Remove(key);
            }
            Array.Clear(_recentSlots);
        }
    }

    /// <summary>Next queue offset the append path would assign (0 for unknown queues).</summary>
    public long NextQueueOffset(string topic, int queueId)
    {
        lock (_writeLock)
        {
            return _queueOffsets.TryGetValue(new QueueKey(topic, queueId), out var next) ? next.Value : 0;
        }
    }

    /// <summary>
    /// The next-queue-offset slot of a queue; caller holds the write lock. The last few queues appended to are
    /// looked at before the dictionary, whose lookup hashes the whole topic: with two appenders on different
    /// queues, a cache of one missed every time and the hash ran inside the lock on every append. The queue id
    /// is compared first, and the topic by reference before its characters (a connection's header decoder
    /// hands out one string per topic).
    /// </summary>
    private StrongBox<long> QueueSlot(string topic, int queueId)
    {
        var recent = _recentSlots;
        for (int i = 0; i < recent.Length; i++)
        {
            ref RecentSlot entry = ref recent[i];
            if (entry.QueueId == queueId && entry.Topic is { } known && (ReferenceEquals(known, topic) || string.Equals(known, topic, StringComparison.Ordinal)))
            {
                return entry.Slot!;
            }
        }
        var key = new QueueKey(topic, queueId);
        if (!_queueOffsets.TryGetValue(key, out var slot))
        {
            slot = new StrongBox<long>(0);
            _queueOffsets.Add(key, slot);
        }
        recent[_nextRecentSlot] = new RecentSlot(topic, queueId, slot);
        _nextRecentSlot = (_nextRecentSlot + 1) % recent.Length;
        return slot;
    }

    private const int RecentSlotCount = 4;

    private readonly record struct RecentSlot(string? Topic, int QueueId, StrongBox<long>? Slot);

    /// <summary>Finds the segment holding <paramref name="offset"/> and takes a lease on it.</summary>
    public bool TryAcquireSegment(long offset, out CommitLogSegment segment)
    {
        var segments = _segments;
        segment = null!;
        if (segments.Length == 0 || offset < segments[0].StartOffset)
        {
            return false;
        }
        long index = (offset - segments[0].StartOffset) / _segmentSize;
        if (index >= segments.Length)
        {
            return false;
        }
        var candidate = segments[index];
        if (!candidate.TryAcquire())
        {
            return false;
        }
        segment = candidate;
        return true;
    }

    private void AddSegment(CommitLogSegment segment)
    {
        var old = _segments;
        var next = new CommitLogSegment[old.Length + 1];
        old.CopyTo(next, 0);
        next[^1] = segment;
        _segments = next;
        if (old.Length == 0)
        {
            Volatile.Write(ref _minOffset, segment.StartOffset);
        }
    }

    public ValueTask DisposeAllocatorAsync() => _allocator.DisposeAsync();

    /// <summary>Completes when the allocator has no warm queued (tests: under sync flush a warm ends with a flush of its segment).</summary>
    internal Task Warming => _allocator.Warming;

    /// <summary>Whether the segment after the active one is already created and warmed.</summary>
    internal bool IsNextSegmentPrepared
    {
        get
        {
            // An empty log asks for its first segment (at 0) when it opens.
            var active = _active;
            return _allocator.IsPrepared(active?.EndOffset ?? 0);
        }
    }

    /// <summary>Closes every segment (they stay on disk).</summary>
    public void CloseSegments()
    {
        var segments = _segments;
        _segments = [];
        foreach (var segment in segments)
        {
            segment.Close(delete: false);
        }
    }

    internal readonly record struct QueueKey(string Topic, int QueueId);
}
