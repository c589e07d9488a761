namespace Mq.Storage.Devices;

/// <summary>A device over a managed array (owned by <see cref="MemorySegmentDeviceProvider"/>, so it survives reopening).</summary>
internal sealed class MemorySegmentDevice : ISegmentDevice
{
    private readonly MemorySegmentDeviceProvider.Entry _entry;

    public MemorySegmentDevice(string path, MemorySegmentDeviceProvider.Entry entry)
    {
        Path = path;
        _entry = entry;
    }

    public string Path { get; }

    public long Length => _entry.Data.Length;

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        data.CopyTo(_entry.Data.AsSpan(checked((int)offset)));
    }

    public int Read(long offset, Span<byte> destination)
    {
        var data = _entry.Data;
        if (offset >= data.Length)
        {
            return 0;
        }
        int count = (int)Math.Min(destination.Length, data.Length - offset);
        data.AsSpan((int)offset, count).CopyTo(destination);
        return count;
    }

    public void Flush()
    {
        // Memory has no durability to add.
    }

    public bool TryGetMemory(out Memory<byte> memory)
    {
        memory = _entry.Data;
        return true;
    }

    public void Dispose()
    {
    }
}
