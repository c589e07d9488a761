using Mq.Storage.Devices;

namespace Mq.TestKit;

/// <summary>
/// Wraps a real device provider and injects I/O failures on demand (in the spirit of FASTER's
/// SimulatedFlakyDevice): failed flushes, failed or short writes, and a full disk (new files cannot be
/// created: ENOSPC). <see cref="Target"/> limits the faults to some files.
/// </summary>
public sealed class FaultySegmentDeviceProvider : ISegmentDeviceProvider
{
    /// <summary>errno ENOSPC on Linux, carried as the HResult of the exceptions a full disk raises.</summary>
    public const int NoSpaceErrno = 28;

    private readonly ISegmentDeviceProvider _inner;
    private volatile bool _failFlush;
    private volatile bool _failWrite;
    private volatile bool _diskFull;
    private volatile int _shortWriteBytes;
    private int _flushCount;
    private int _failedWrites;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FaultySegmentDeviceProvider(ISegmentDeviceProvider inner) => _inner = inner;

    /// <summary>While true, every <see cref="ISegmentDevice.Flush"/> of a targeted file throws.</summary>
    public bool FailFlush { get => _failFlush; set => _failFlush = value; }

    /// <summary>While true, every <see cref="ISegmentDevice.Write"/> to a targeted file throws (after <see cref="ShortWriteBytes"/>).</summary>
    public bool FailWrite { get => _failWrite; set => _failWrite = value; }

    /// <summary>
    /// With <see cref="FailWrite"/>: how many leading bytes of each failing write still reach the file before the
    /// exception (a short write). Default 0: nothing is written.
    /// </summary>
    public int ShortWriteBytes { get => _shortWriteBytes; set => _shortWriteBytes = value; }

    /// <summary>
    /// While true, a targeted file that does not exist yet cannot be created: <see cref="Open"/> throws
    /// <see cref="IOException"/> with <see cref="NoSpaceErrno"/>, as a failed fallocate does on a full volume. Writes into
    /// existing files still succeed (their space was allocated when they were created); combine with <see cref="FailWrite"/>
    /// for a volume that refuses those too.
    /// </summary>
    public bool DiskFull { get => _diskFull; set => _diskFull = value; }

    /// <summary>
    /// Called with the path before each write to a targeted file, on the writing thread, before any injected
    /// failure (tests use it to stall a write while the store holds its commit-log lock).
    /// </summary>
    public Action<string>? BeforeWrite { get; set; }

    /// <summary>Which files the faults apply to (by path); null: all of them.</summary>
    public Func<string, bool>? Target { get; set; }

    /// <summary>Number of flushes that reached the inner device.</summary>
    public int FlushCount => Volatile.Read(ref _flushCount);

    /// <summary>Number of writes that failed by injection.</summary>
    public int FailedWrites => Volatile.Read(ref _failedWrites);

    /// <summary>Only commit-log segments (the usual target: the write path of a send).</summary>
    public static bool CommitLogOnly(string path) => path.Contains($"{Path.DirectorySeparatorChar}commitlog{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    /// <inheritdoc />
    public ISegmentDevice Open(string path, long length)
    {
        if (_diskFull && IsTarget(path) && !_inner.Exists(path))
        {
            throw NoSpace(path);
        }
        return new FaultyDevice(_inner.Open(path, length), this);
    }

    /// <inheritdoc />
    public bool Exists(string path) => _inner.Exists(path);

    /// <inheritdoc />
    public void Delete(string path) => _inner.Delete(path);

    /// <inheritdoc />
    public void CreateMarker(string path) => _inner.CreateMarker(path);

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory) => _inner.ListFiles(directory);

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectories(string directory) => _inner.ListDirectories(directory);

    /// <inheritdoc />
    public void DeleteDirectoryIfEmpty(string directory) => _inner.DeleteDirectoryIfEmpty(directory);

    private bool IsTarget(string path) => Target is not { } target || target(path);

    private static IOException NoSpace(string path) => new($"No space left on device : '{path}'", NoSpaceErrno);

    private sealed class FaultyDevice(ISegmentDevice inner, FaultySegmentDeviceProvider owner) : ISegmentDevice
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            if (owner.BeforeWrite is { } beforeWrite && owner.IsTarget(Path))
            {
                beforeWrite(Path);
            }
            if (owner.IsTarget(Path) && owner.FailWrite)
            {
                int written = Math.Min(owner.ShortWriteBytes, data.Length);
                if (written > 0)
                {
                    inner.Write(offset, data[..written]);
                }
                Interlocked.Increment(ref owner._failedWrites);
                throw new IOException($"Injected write failure on {Path} after {written} of {data.Length} bytes.");
            }
            inner.Write(offset, data);
        }

        public int Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Flush()
        {
            if (owner.IsTarget(Path) && owner.FailFlush)
            {
                throw new IOException($"Injected flush failure on {Path}.");
            }
            Interlocked.Increment(ref owner._flushCount);
            inner.Flush();
        }

        // Memory access would bypass injected write failures, so the faulty device always copies.
        public bool TryGetMemory(out Memory<byte> memory)
        {
            memory = default;
            return false;
        }

        public void Dispose() => inner.Dispose();
    }
}
