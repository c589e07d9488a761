using Mq.Storage.Devices;

namespace Mq.TestKit;

/// <summary>
/// Wraps a real device provider and injects I/O failures on demand (in the spirit of FASTER's
/// SimulatedFlakyDevice): flushes and/or writes throw <see cref="IOException"/> while the switch is on.
/// </summary>
public sealed class FaultySegmentDeviceProvider : ISegmentDeviceProvider
{
    private readonly ISegmentDeviceProvider _inner;
    private volatile bool _failFlush;
    private volatile bool _failWrite;
    private int _flushCount;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FaultySegmentDeviceProvider(ISegmentDeviceProvider inner) => _inner = inner;

    /// <summary>While true, every <see cref="ISegmentDevice.Flush"/> throws.</summary>
    public bool FailFlush { get => _failFlush; set => _failFlush = value; }

    /// <summary>While true, every <see cref="ISegmentDevice.Write"/> throws.</summary>
    public bool FailWrite { get => _failWrite; set => _failWrite = value; }

    /// <summary>Number of flushes that reached the inner device.</summary>
    public int FlushCount => Volatile.Read(ref _flushCount);

    /// <inheritdoc />
    public ISegmentDevice Open(string path, long length) => new FaultyDevice(_inner.Open(path, length), this);

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

    private sealed class FaultyDevice(ISegmentDevice inner, FaultySegmentDeviceProvider owner) : ISegmentDevice
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            if (owner.FailWrite)
            {
                throw new IOException($"Injected write failure on {Path}.");
            }
            inner.Write(offset, data);
        }

        public int Read(long offset, Span<byte> destination) => inner.Read(offset, destination);

        public void Flush()
        {
            if (owner.FailFlush)
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
