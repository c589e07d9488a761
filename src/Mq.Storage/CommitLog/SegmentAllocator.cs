using Microsoft.Extensions.Logging;
using Mq.Storage.Devices;
using Mq.Storage.Threading;

namespace Mq.Storage.CommitLog;

/// <summary>
/// Creates, sizes and pre-touches the next commit-log segment in the background so the appender never
/// pays for fresh pages (RocketMQ <c>AllocateMappedFileService</c>). <see cref="Take"/> returns the
/// prepared segment or, if the background work has not finished, waits for it / creates it inline.
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
            return _ready?.StartOffset == startOffset;
        }
    }

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
        string path = Path.Combine(_directory, CommitLogSegment.FileName(startOffset));
        var device = _provider.Open(path, _segmentSize);
        if (device.Length != _segmentSize)
        {
            device.Dispose();
            throw new IOException($"Commit-log segment '{path}' has {device.Length} bytes; expected {_segmentSize}.");
        }
        var segment = new CommitLogSegment(startOffset, _segmentSize, device, _provider);
        if (_warm)
        {
            Warm(segment, _writeZeros);
        }
        return segment;
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
        lock (_lock)
        {
            // A request the appender already satisfied inline must not open (and warm) a live segment again.
            if (requested <= _lastTaken)
            {
                return;
            }
            if (_ready is null || _ready.StartOffset != requested)
            {
                _ready?.Close(delete: true);
                _ready = null;
                _ready = Create(requested);
            }
        }
    }

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
