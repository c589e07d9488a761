using System.Buffers;
using Mq.Storage.CommitLog;

namespace Mq.Storage;

/// <summary>
/// Leases held by a read result: segment references for zero-copy slices of memory-backed segments, and
/// pooled buffers for devices that must copy. Reused across pooled results.
/// </summary>
internal sealed class LeaseSet
{
    private const int ChunkSize = 256 * 1024;
    private readonly List<CommitLogSegment> _segments = [];
    private readonly List<byte[]> _buffers = [];
    private byte[]? _current;
    private int _currentUsed;

    /// <summary>Leases the record bytes at [offset, offset+size) of the commit log; false if unavailable.</summary>
    public bool TryLease(CommitLog.CommitLog commitLog, long offset, int size, out ReadOnlyMemory<byte> memory)
    {
        memory = default;
        if (offset < commitLog.MinOffset || offset + size > commitLog.MaxOffset)
        {
            return false;
        }
        CommitLogSegment? segment = _segments.Count > 0 ? _segments[^1] : null;
        if (segment is null || offset < segment.StartOffset || offset >= segment.EndOffset)
        {
            if (!commitLog.TryAcquireSegment(offset, out segment))
            {
                return false;
            }
            _segments.Add(segment);
        }
        int position = (int)(offset - segment.StartOffset);
        if (position + size > segment.Size)
        {
            return false;
        }
        if (segment.IsDirect)
        {
            memory = segment.Memory.Slice(position, size);
            return true;
        }
        if (_current is null || _current.Length - _currentUsed < size)
        {
            _current = ArrayPool<byte>.Shared.Rent(Math.Max(size, ChunkSize));
            _currentUsed = 0;
            _buffers.Add(_current);
        }
        var target = _current.AsMemory(_currentUsed, size);
        if (segment.Read(position, target.Span) != size)
        {
            return false;
        }
        _currentUsed += size;
        memory = target;
        return true;
    }

    public void Release()
    {
        foreach (var segment in _segments)
        {
            segment.Release();
        }
        _segments.Clear();
        foreach (var buffer in _buffers)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        _buffers.Clear();
        _current = null;
        _currentUsed = 0;
    }
}
