namespace Mq.Storage.Devices;

/// <summary>
/// One fixed-size file of the store (a commit-log segment, a consume-queue segment, an index file, the
/// checkpoint): positional reads and writes, a durable flush, and optionally its bytes as memory so the
/// commit log can encode records in place. Reads and writes at distinct ranges may run concurrently.
/// </summary>
public interface ISegmentDevice : IDisposable
{
    /// <summary>Full path (or key, for in-memory devices).</summary>
    string Path { get; }

    /// <summary>Current length in bytes.</summary>
    long Length { get; }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> (within <see cref="Length"/>).</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns the count.</summary>
    int Read(long offset, Span<byte> destination);

    /// <summary>Makes every completed write durable (fdatasync); throws <see cref="IOException"/> on failure.</summary>
    void Flush();

    /// <summary>
    /// Makes the completed writes in [<paramref name="offset"/>, <paramref name="offset"/> +
    /// <paramref name="length"/>) durable. Devices that can sync a range (a mapped file) write back only
    /// those pages; the default flushes everything.
    /// </summary>
    void Flush(long offset, long length) => Flush();

    /// <summary>
    /// The device's bytes as memory, when it is memory-backed (mapped file or in-memory). The memory is
    /// valid until the device is disposed; callers that outlive a possible disposal must hold a lease.
    /// </summary>
    bool TryGetMemory(out Memory<byte> memory);
}
