using Microsoft.Win32.SafeHandles;

namespace Mq.Storage.Devices;

/// <summary>A file accessed with <see cref="RandomAccess"/> (positional, thread-safe pread/pwrite).</summary>
internal sealed class FileSegmentDevice : ISegmentDevice
{
    private readonly SafeFileHandle _handle;

    public FileSegmentDevice(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    public string Path { get; }

    public long Length => RandomAccess.GetLength(_handle);

    internal SafeFileHandle Handle => _handle;

    public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, offset);

    public int Read(long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(_handle, destination[total..], offset + total);
            if (n <= 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    public void Flush() => DiskSync.DataSync(_handle);

    public bool TryGetMemory(out Memory<byte> memory)
    {
        memory = default;
        return false;
    }

    public void Dispose() => _handle.Dispose();
}
