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
internal sealed partial class SegmentAllocator : IAsyncDisposable
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
    private CommitLogSegment? _warming;
    private TaskCompletionSource? _warmDone;
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
            return _ready?.StartOffset == startOffset && !ReferenceEquals(_ready, _warming);
        }
    }

    /// <summary>Completes when no background warm is running (tests).</summary>
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
        if (_warm)
        {
            Warm(segment, _writeZeros);
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
    /// Touches every page so the appender never takes a first-touch fault. With
    /// <paramref name="writeZeros"/> (sync flush) the zeros are also written to disk: fdatasync into
    /// written blocks is about twice as fast as into fallocated-unwritten ones, which is what a sync-flush
    /// append waits for. Async flush skips that write: it would double the disk bandwidth per byte stored.
    /// </summary>
    private static void Warm(CommitLogSegment segment, bool writeZeros)
    {
        const int Page = 4096;
        if (segment.IsDirect)
        {
            var span = segment.Memory.Span;
            for (int i = 0; i < span.Length; i += Page)
            {
                span[i] = 0;
            }
        }
        else if (writeZeros)
        {
            var zeros = new byte[Math.Min(1024 * 1024, segment.Size)];
            for (long offset = 0; offset < segment.Size; offset += zeros.Length)
            {
                segment.Device.Write(offset, zeros.AsSpan(0, (int)Math.Min(zeros.Length, segment.Size - offset)));
            }
        }
        if (writeZeros)
        {
            segment.Device.Flush();
        }
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
        CommitLogSegment segment;
        lock (_lock)
        {
            // A request the appender already satisfied inline must not open (and warm) a live segment again.
            if (requested <= _lastTaken || _ready?.StartOffset == requested)
            {
                return;
            }
            _ready?.Close(delete: true);
            _ready = null;
            segment = Open(requested);
            if (!_warm || !segment.IsDirect)
            {
                // Zeros written through a file device would overwrite appends: that warm stays under the lock,
                // so a Take waits for it.
                if (_warm)
                {
                    Warm(segment, _writeZeros);
                }
                _ready = segment;
                return;
            }
            // A mapped segment is offered at once and warmed outside the lock: the warm never changes a byte
            // (see WarmConcurrently), so an appender that reaches the end of the active segment first takes
            // this one and writes into it while the warm goes on, instead of waiting for it.
            segment.TryAcquire();
            _ready = segment;
            _warming = segment;
            Volatile.Write(ref _warmDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        try
        {
            // Background work: on a busy machine it should take the cores the appends, sends and replication
            // leave over, not a share of them (the warm of a segment took a whole core for the better part of
            // a second here, a latency spike at every rollover).
            LowerThisThreadsPriority();
            WarmConcurrently(segment);
            if (_writeZeros)
            {
                segment.Device.Flush();
            }
        }
        finally
        {
            segment.Release();
            lock (_lock)
            {
                _warming = null;
            }
            _warmDone?.TrySetResult();
        }
    }

    /// <summary>
    /// Faults every page in for writing without changing a byte: a compare-exchange of 0 with 0 is a locked
    /// write cycle (the page is mapped writable, as a store would map it) that leaves a non-zero word as it
    /// is, so a record an appender already wrote there survives. Stops early once the segment is destroyed or
    /// the allocator stops.
    /// </summary>
    private void WarmConcurrently(CommitLogSegment segment)
    {
        const int Page = 4096;
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(segment.Memory.Span);
        for (int i = 0; i < words.Length; i += Page / sizeof(int))
        {
            if ((i & 0xFFFF) == 0 && (_stopping || segment.IsDestroyed))
            {
                return;
            }
            Interlocked.CompareExchange(ref words[i], 0, 0);
        }
    }

    private static void LowerThisThreadsPriority()
    {
        if (OperatingSystem.IsLinux())
        {
            // Linux: who = 0 is the calling thread; nice 10 weighs about a tenth of a normal thread.
            _ = SetPriority(PrioProcess, 0, 10);
        }
    }

    private const int PrioProcess = 0;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _signal.Set();
        await _loop.ConfigureAwait(false);
        lock (_lock)
        {
            // A prepared but unused segment holds no data; removing it keeps the folder exact.
            _ready?.Close(delete: true);
            _ready = null;
        }
    }
}
