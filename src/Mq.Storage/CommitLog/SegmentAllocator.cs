using Microsoft.Extensions.Logging;
using Mq.Storage.Devices;
using Mq.Storage.Threading;

namespace Mq.Storage.CommitLog;

/// <summary>
/// Creates, sizes and pre-touches the next commit-log segment in the background so the appender never
/// pays for fresh pages (RocketMQ <c>AllocateMappedFileService</c>). <see cref="Take"/> returns the
/// prepared segment (a mapped one at once, even while its warm goes on) or creates it inline when none was
/// prepared; a file device's warm (zeros written) is waited for.
/// </summary>
internal sealed class SegmentAllocator : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly AsyncSignal _signal = new();
    private readonly string _directory;
    private readonly int _segmentSize;
    private readonly bool _warm;
    private readonly bool _writeZeros;
    private readonly ISegmentDeviceProvider _provider;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private long _requested = -1;
    private long _lastTaken = -1;
    private CommitLogSegment? _ready;
    private readonly Queue<(CommitLogSegment Segment, long From, long To)> _warmQueue = new();
    private ServiceThread? _warmer;
    private TaskCompletionSource? _warmDone;

    /// <summary>
    /// How far ahead of the write position pages are warmed (and how much of a new segment is warmed before it
    /// counts as prepared). Warming a whole 1 GiB segment up front dirtied that many zero pages, which the
    /// kernel writes back after 30 s (dirty_expire_centisecs): zeros on disk, and the pages write-protected
    /// again, so a segment that lived longer than that took the faults anyway (measured: 512 MiB of dirty zeros
    /// went to disk 36-40 s after a store opened). 256 MiB absorbs about 100 ms of the fastest appends measured
    /// here (2.5 GB/s; first touch on this machine kind runs at a few hundred MB/s, so the window is the burst
    /// the warm can get ahead of), and a stream of 9 MB/s or more uses warmed pages before they expire.
    /// </summary>
    internal const long WarmWindow = 256L * 1024 * 1024;

    /// <summary>The warm is topped up whenever the write position has eaten this much of the window.</summary>
    internal const long WarmStep = 16L * 1024 * 1024;
    private volatile bool _stopping;

    public SegmentAllocator(string directory, int segmentSize, bool warm, bool writeZeros, ISegmentDeviceProvider provider, ILogger logger)
    {
        _writeZeros = writeZeros;
        _directory = directory;
        _segmentSize = segmentSize;
        _warm = warm;
        _provider = provider;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Asks for the segment starting at <paramref name="startOffset"/> to be prepared.</summary>
    public void Request(long startOffset)
    {
        Volatile.Write(ref _requested, startOffset);
        _signal.Set();
    }

    /// <summary>Whether the segment starting at <paramref name="startOffset"/> is prepared (benchmarks and tests wait on it).</summary>
    public bool IsPrepared(long startOffset)
    {
        lock (_lock)
        {
            return _ready is { } ready && ready.StartOffset == startOffset && ready.WarmedTo >= ready.WarmRequestedTo;
        }
    }

    /// <summary>Completes when the warm queue is empty (tests).</summary>
    internal Task Warming => Volatile.Read(ref _warmDone)?.Task ?? Task.CompletedTask;

    public CommitLogSegment Take(long startOffset)
    {
        lock (_lock)
        {
            var ready = _ready;
            _ready = null;
            _lastTaken = startOffset;
            if (ready is not null && ready.StartOffset == startOffset)
            {
                return ready;
            }
            ready?.Close(delete: true);
            return Create(startOffset);
        }
    }

    public CommitLogSegment Create(long startOffset)
    {
        var segment = Open(startOffset);
        if (_warm && segment.IsDirect)
        {
            // Inline (nothing was prepared, or this is the first segment): the first window only, the rest
            // follows the writes (see WarmAhead).
            long window = Math.Min(WarmWindow, segment.Size);
            WarmConcurrently(segment, 0, window);
            segment.WarmRequestedTo = window;
        }
        else
        {
            WarmFileDevice(segment);
        }
        return segment;
    }

    private CommitLogSegment Open(long startOffset)
    {
        string path = Path.Combine(_directory, CommitLogSegment.FileName(startOffset));
        var device = _provider.Open(path, _segmentSize);
        if (device.Length != _segmentSize)
        {
            device.Dispose();
            throw new IOException($"Commit-log segment '{path}' has {device.Length} bytes; expected {_segmentSize}.");
        }
        return new CommitLogSegment(startOffset, _segmentSize, device, _provider);
    }

    /// <summary>
    /// The warm of a segment that is not mapped (or not warmed at all), done before anyone writes to it:
    /// under sync flush the zeros are written to disk, because fdatasync into written blocks is about twice
    /// as fast as into fallocated-unwritten ones, which is what a sync-flush append waits for. Async flush
    /// skips that write: it would double the disk bandwidth per byte stored.
    /// </summary>
    private void WarmFileDevice(CommitLogSegment segment)
    {
        if (_warm && _writeZeros)
        {
            var zeros = new byte[Math.Min(1024 * 1024, segment.Size)];
            for (long offset = 0; offset < segment.Size; offset += zeros.Length)
            {
                segment.Device.Write(offset, zeros.AsSpan(0, (int)Math.Min(zeros.Length, segment.Size - offset)));
            }
            segment.Device.Flush();
        }
        segment.MarkWarmed();
    }

    private async Task RunAsync()
    {
        while (!_stopping)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            if (_stopping)
            {
                break;
            }
            long requested = Volatile.Read(ref _requested);
            if (requested < 0)
            {
                continue;
            }
            try
            {
                // Warming a segment keeps a thread busy for up to seconds (hundreds of thousands of first-touch
                // faults; with sync flush, a file's worth of zeros written and synced). On a pool thread that
                // starved the pool of a two-core machine: every socket continuation and handler waited for
                // the pool to inject a thread, a half-second stall at each rollover (measured in the send
                // latency probe). So the work runs on a thread of its own, one per segment.
                await Task.Factory.StartNew(static state =>
                {
                    var (allocator, offset) = ((SegmentAllocator, long))state!;
                    allocator.Prepare(offset);
                }, (this, requested), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                StoreLog.SegmentPreallocationFailed(_logger, requested, ex);
            }
        }
    }

    private void Prepare(long requested)
    {
        lock (_lock)
        {
            // A request the appender already satisfied inline must not open (and warm) a live segment again.
            if (requested <= _lastTaken || _ready?.StartOffset == requested)
            {
                return;
            }
            _ready?.Close(delete: true);
            _ready = null;
            var segment = Open(requested);
            if (!_warm || !segment.IsDirect)
            {
                // Zeros written through a file device would overwrite appends: that warm stays under the lock,
                // so a Take waits for it.
                WarmFileDevice(segment);
                _ready = segment;
                return;
            }
            // A mapped segment is offered once its first window is warm, and an appender that comes earlier
            // takes it at once and writes into it while the warm goes on (the warm never changes a byte).
            _ready = segment;
            EnqueueWarm(segment, 0, Math.Min(WarmWindow, segment.Size));
        }
    }

    /// <summary>
    /// After a write ending at <paramref name="end"/> (relative to <paramref name="segment"/>): keeps the
    /// warm <see cref="WarmWindow"/> ahead of it, in steps of <see cref="WarmStep"/>. Called under the commit
    /// log's write lock; one comparison unless a step is due.
    /// </summary>
    public void WarmAhead(CommitLogSegment segment, long end)
    {
        long requested = segment.WarmRequestedTo;
        // A window clamped at the segment's end never moves again: without the second test every append in
        // the segment's last window would take the allocator lock for nothing.
        if (end + WarmWindow - WarmStep <= requested || requested >= segment.Size || !_warm || !segment.IsDirect)
        {
            return;
        }
        lock (_lock)
        {
            if (!_stopping)
            {
                EnqueueWarm(segment, end, Math.Min(segment.Size, end + WarmWindow));
            }
        }
    }

    /// <summary>
    /// Caller holds <see cref="_lock"/>. Queues the pages from the segment's warm frontier (or from
    /// <paramref name="notBefore"/>, the written end, for a segment recovery opened) up to <paramref name="to"/>.
    /// </summary>
    private void EnqueueWarm(CommitLogSegment segment, long notBefore, long to)
    {
        long from = Math.Max(segment.WarmRequestedTo, notBefore);
        if (to <= from)
        {
            return;
        }
        segment.WarmRequestedTo = to;
        _warmQueue.Enqueue((segment, from, to));
        if (_warmDone is null || _warmDone.Task.IsCompleted)
        {
            Volatile.Write(ref _warmDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        (_warmer ??= new ServiceThread("Mq segment warm", WarmQueued, ex => StoreLog.SegmentPreallocationFailed(_logger, -1, ex))).Wake();
    }

    /// <summary>
    /// The warm thread's job: runs at low priority (background work should take the cores appends, sends and
    /// replication leave over, not a share of them: the warm of a segment took a whole core for the better
    /// part of a second here, a latency spike at every rollover) and walks the queued ranges in order.
    /// </summary>
    private void WarmQueued()
    {
        BackgroundPriority.LowerCurrentThread(10);
        while (true)
        {
            (CommitLogSegment Segment, long From, long To) item;
            lock (_lock)
            {
                if (!_warmQueue.TryDequeue(out item))
                {
                    _warmDone?.TrySetResult();
                    return;
                }
            }
            if (!item.Segment.TryAcquire())
            {
                continue;
            }
            try
            {
                WarmConcurrently(item.Segment, item.From, item.To);
            }
            finally
            {
                item.Segment.Release();
            }
        }
    }

    /// <summary>
    /// Faults the pages in for writing without changing a byte: a compare-exchange of 0 with 0 is a locked
    /// write cycle (the page is mapped writable, as a store would map it) that leaves a non-zero word as it
    /// is, so a record an appender already wrote there survives. Publishes its progress every 256 KiB; stops
    /// early once the segment is destroyed or the allocator stops. Under sync flush it then syncs the file.
    /// </summary>
    private void WarmConcurrently(CommitLogSegment segment, long from, long to)
    {
        const int Page = 4096;
        const int Chunk = 64 * Page;
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(segment.Memory.Span);
        for (long at = from - (from % Page); at < to; at += Page)
        {
            if (at % Chunk == 0)
            {
                if (_stopping || segment.IsDestroyed)
                {
                    return;
                }
                segment.WarmedTo = at;
            }
            Interlocked.CompareExchange(ref words[(int)(at / sizeof(int))], 0, 0);
        }
        if (_writeZeros)
        {
            // Sync flush: the touched zeros go to disk too (see WarmFileDevice for why).
            segment.Device.Flush();
        }
        segment.WarmedTo = to;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _signal.Set();
        await _loop.ConfigureAwait(false);
        ServiceThread? warmer;
        lock (_lock)
        {
            warmer = _warmer;
        }
        if (warmer is not null)
        {
            await warmer.StopAsync().ConfigureAwait(false);
        }
        lock (_lock)
        {
            // A prepared but unused segment holds no data; removing it keeps the folder exact.
            _ready?.Close(delete: true);
            _ready = null;
        }
    }
}
