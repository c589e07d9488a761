using System.Globalization;
using Mq.Storage.Devices;

namespace Mq.Storage.CommitLog;

/// <summary>
/// One commit-log file (RocketMQ <c>MappedFile</c>): named by its 20-digit start offset, reference
/// counted so a reader's lease keeps it open while retention deletes it.
/// </summary>
internal sealed class CommitLogSegment
{
    private readonly ISegmentDeviceProvider _provider;
    private int _references = 1;
    private int _destroyed;

    public CommitLogSegment(long startOffset, int size, ISegmentDevice device, ISegmentDeviceProvider provider)
    {
        StartOffset = startOffset;
        Size = size;
        Device = device;
        _provider = provider;
        IsDirect = device.TryGetMemory(out var memory);
        Memory = memory;
    }

    public long StartOffset { get; }

    public int Size { get; }

    public long EndOffset => StartOffset + Size;

    public ISegmentDevice Device { get; }

    /// <summary>The whole segment when the device is memory-backed; empty otherwise.</summary>
    public Memory<byte> Memory { get; }

    public bool IsDirect { get; }

    /// <summary>Store timestamp (ms) of the last record written here; drives retention.</summary>
    public long LastStoreTimestamp { get; set; }

    public static string FileName(long offset) => offset.ToString("D20", CultureInfo.InvariantCulture);

    /// <summary>Relative end of the pages queued for warming (the allocator's frontier; read racily by appenders, which only use it to skip a call).</summary>
    public long WarmRequestedTo { get; set; }

    private long _warmedTo;

    /// <summary>Relative end of the pages the warm has reached.</summary>
    public long WarmedTo
    {
        get => Volatile.Read(ref _warmedTo);
        set => Volatile.Write(ref _warmedTo, value);
    }

    /// <summary>Nothing to warm: created inline (warmed already), unwarmed by configuration, or a file device.</summary>
    public void MarkWarmed()
    {
        WarmRequestedTo = Size;
        WarmedTo = Size;
    }

    /// <summary>Whether the owner closed the segment for deletion (the file goes with the last lease).</summary>
    public bool IsDestroyed => Volatile.Read(ref _destroyed) == 1;

    public bool TryAcquire()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            if (current <= 0)
            {
                return false;
            }
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
        return true;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Device.Dispose();
            if (Volatile.Read(ref _destroyed) == 1)
            {
                _provider.Delete(Device.Path);
            }
        }
    }

    /// <summary>Drops the owner's reference; the file is closed (and deleted when <paramref name="delete"/>) after the last lease.</summary>
    public void Close(bool delete)
    {
        if (delete)
        {
            Volatile.Write(ref _destroyed, 1);
        }
        Release();
    }

    /// <summary>Copies bytes at a segment-relative position.</summary>
    public int Read(int position, Span<byte> destination)
    {
        if (IsDirect)
        {
            int count = Math.Min(destination.Length, Size - position);
            Memory.Span.Slice(position, count).CopyTo(destination);
            return count;
        }
        return Device.Read(position, destination);
    }
}
