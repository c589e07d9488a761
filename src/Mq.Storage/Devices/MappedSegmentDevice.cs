using System.Buffers;
using System.IO.MemoryMappedFiles;
using Microsoft.Win32.SafeHandles;

namespace Mq.Storage.Devices;

/// <summary>
/// A file mapped into memory for its whole length. Writes and reads are memory copies; flush is
/// fdatasync on the file handle, which on Linux also writes back the shared mapping's dirty pages, and a
/// range flush is msync(MS_SYNC) over just the written pages.
/// Dispose is deferred until in-flight <see cref="Read"/>/<see cref="Write"/> calls finish, so a
/// concurrent delete never unmaps memory under a copy.
/// </summary>
internal sealed unsafe class MappedSegmentDevice : MemoryManager<byte>, ISegmentDevice
{
    private readonly SafeFileHandle _handle;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;
    private int _references = 1;

    public MappedSegmentDevice(string path, SafeFileHandle handle, long length)
    {
        if (length is <= 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A mapped segment must be between 1 byte and 2 GiB - 1.");
        }
        Path = path;
        _handle = handle;
        _length = (int)length;
        _map = MemoryMappedFile.CreateFromFile(handle, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
        _view = _map.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _pointer = pointer + _view.PointerOffset;
    }

    public string Path { get; }

    public long Length => _length;

    public void Write(long offset, ReadOnlySpan<byte> data)
    {
        CheckRange(offset, data.Length);
        Enter();
        try
        {
            data.CopyTo(new Span<byte>(_pointer + offset, data.Length));
        }
        finally
        {
            Exit();
        }
    }

    public int Read(long offset, Span<byte> destination)
    {
        if (offset >= _length)
        {
            return 0;
        }
        int count = (int)Math.Min(destination.Length, _length - offset);
        Enter();
        try
        {
            new ReadOnlySpan<byte>(_pointer + offset, count).CopyTo(destination);
        }
        finally
        {
            Exit();
        }
        return count;
    }

    public void Flush()
    {
        Enter();
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                // Outside Linux a file flush does not cover a mapping's dirty pages (FlushViewOfFile/msync first).
                _view.Flush();
            }
            DiskSync.DataSync(_handle);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// On Linux, msync of the range only. fdatasync would also write back the pre-touched zero pages ahead
    /// of the write position; a written-back page is write-protected again, so every later append into it
    /// would take a page fault (and the zeros would cost disk bandwidth). Flushing only what was written
    /// keeps the pages ahead dirty and writable, which is the point of warming them.
    /// </summary>
    public void Flush(long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            Flush();
            return;
        }
        if (length <= 0)
        {
            return;
        }
        CheckRange(offset, (int)Math.Min(length, int.MaxValue));
        long page = Environment.SystemPageSize;
        long start = offset - (offset % page);
        long end = offset + length;
        long wholePagesEnd = end - (end % page);
        Enter();
        try
        {
            if (wholePagesEnd > start)
            {
                // Writing a page back write-protects every mapping of it, one TLB-shootdown interrupt to the
                // appending core per page (measured: a woken-every-4-pages flusher doubled the cost of a 100 B
                // append). Dropping our own entries for the finished pages first costs one shootdown for the
                // whole range; the data stays in the page cache and readers fault it back in cheaply.
                DiskSync.DropMappedPages(_pointer + start, (nuint)(wholePagesEnd - start));
            }
            DiskSync.MemorySync(_pointer + start, (nuint)(end - start));
        }
        finally
        {
            Exit();
        }
    }

    public bool TryGetMemory(out Memory<byte> memory)
    {
        memory = Memory;
        return true;
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    public override void Unpin()
    {
    }

    void IDisposable.Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Exit();
        }
    }

    private void CheckRange(long offset, int count)
    {
        if (offset < 0 || offset + count > _length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "Write beyond the end of a mapped segment.");
        }
    }

    private void Enter()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            ObjectDisposedException.ThrowIf(current <= 0, this);
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _map.Dispose();
            _handle.Dispose();
        }
    }
}
