using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Mq.Messages;

namespace Mq.Storage.CommitLog;

internal sealed partial class CommitLog
{
    private long _flushedOffset;

    /// <summary>Offset below which every byte is known durable.</summary>
    public long FlushedOffset => Volatile.Read(ref _flushedOffset);

    /// <summary>
    /// Opens the segments and finds the valid end (RocketMQ <c>recoverNormally</c>/<c>recoverAbnormally</c>):
    /// scans from the segment holding <paramref name="checkpointOffset"/>, validating magic, size formula,
    /// physical offset and (optionally) CRC of each record; a torn or garbage tail is zeroed and later
    /// segments are deleted. Returns the number of bytes verified.
    /// </summary>
    public long Load(long checkpointOffset, bool checkCrc)
    {
        var names = _provider.ListFiles(_directory);
        var starts = new List<long>();
        foreach (var name in names)
        {
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long start))
            {
                starts.Add(start);
            }
        }
        starts.Sort();
        for (int i = 0; i < starts.Count; i++)
        {
            if (starts[i] % _segmentSize != 0 || (i > 0 && starts[i] != starts[i - 1] + _segmentSize))
            {
                throw new InvalidDataException(
                    $"Commit-log segments in '{_directory}' are not contiguous at {starts[i]} (segment size {_segmentSize}); the store cannot be opened safely.");
            }
            var device = _provider.Open(Path.Combine(_directory, CommitLogSegment.FileName(starts[i])), _segmentSize);
            if (device.Length != _segmentSize)
            {
                device.Dispose();
                throw new InvalidDataException($"Commit-log segment {starts[i]} has {device.Length} bytes; expected {_segmentSize}.");
            }
            AddSegment(new CommitLogSegment(starts[i], _segmentSize, device, _provider));
        }
        var segments = _segments;
        if (segments.Length == 0)
        {
            _writePosition = 0;
            Volatile.Write(ref _maxOffset, 0);
            Volatile.Write(ref _flushedOffset, 0);
            // Prepare the first segment now so the first append does not create and warm it inline.
            _allocator.Request(0);
            return 0;
        }

        long first = segments[0].StartOffset;
        int index = (int)Math.Clamp((checkpointOffset - first) / _segmentSize, 0, segments.Length - 1);
        long validEnd = segments[index].StartOffset;
        long verified = 0;
        for (; index < segments.Length; index++)
        {
            var segment = segments[index];
            var (end, reachedEnd, lastTimestamp, reason) = ScanSegment(segment, checkCrc);
            verified += end - segment.StartOffset;
            validEnd = end;
            if (lastTimestamp > 0)
            {
                segment.LastStoreTimestamp = lastTimestamp;
            }
            if (!reachedEnd)
            {
                if (reason is not null)
                {
                    StoreLog.CommitLogTruncated(_logger, end, reason, segment.EndOffset - end);
                }
                break;
            }
        }
        Truncate(validEnd);
        SeedTimestamps();
        _allocator.Request(_active?.EndOffset ?? validEnd);
        _writePosition = validEnd;
        Volatile.Write(ref _maxOffset, validEnd);
        Volatile.Write(ref _flushedOffset, validEnd);
        return verified;
    }

    /// <summary>Older segments' last write time ≈ the first record time of the following segment.</summary>
    private void SeedTimestamps()
    {
        var segments = _segments;
        Span<byte> header = stackalloc byte[MessageRecord.BornHostPosition + 20 + 8];
        for (int i = segments.Length - 2; i >= 0; i--)
        {
            if (segments[i].LastStoreTimestamp != 0)
            {
                continue;
            }
            var next = segments[i + 1];
            if (next.Read(0, header) == header.Length && BinaryPrimitives.ReadInt32BigEndian(header[4..]) == MessageRecord.MagicCode)
            {
                int sysFlag = BinaryPrimitives.ReadInt32BigEndian(header[MessageRecord.SysFlagPosition..]);
                segments[i].LastStoreTimestamp = BinaryPrimitives.ReadInt64BigEndian(header[MessageRecord.StoreTimestampPosition(sysFlag)..]);
            }
            else
            {
                segments[i].LastStoreTimestamp = segments[i + 1].LastStoreTimestamp;
            }
        }
    }

    private (long End, bool ReachedEnd, long LastTimestamp, string? Reason) ScanSegment(CommitLogSegment segment, bool checkCrc)
    {
        int size = segment.Size;
        byte[]? rented = null;
        try
        {
            ReadOnlySpan<byte> window;
            int windowStart = 0;
            if (segment.IsDirect)
            {
                window = segment.Memory.Span;
            }
            else
            {
                rented = ArrayPool<byte>.Shared.Rent(Math.Min(size, Math.Max(_maxMessageSize + 16, 4 * 1024 * 1024)));
                int read = segment.Device.Read(0, rented.AsSpan(0, Math.Min(rented.Length, size)));
                window = rented.AsSpan(0, read);
            }
            int position = 0;
            long lastTimestamp = 0;
            while (position < size)
            {
                var status = MessageView.TryRead(window[(position - windowStart)..], checkCrc, out var view, out int recordSize);
                if (status == RecordReadStatus.NeedMoreData && rented is not null && windowStart + window.Length < size)
                {
                    windowStart = position;
                    int read = segment.Device.Read(windowStart, rented.AsSpan(0, Math.Min(rented.Length, size - windowStart)));
                    window = rented.AsSpan(0, read);
                    continue;
                }
                switch (status)
                {
                    case RecordReadStatus.Ok:
                        if (view.PhysicalOffset != segment.StartOffset + position)
                        {
                            return (segment.StartOffset + position, false, lastTimestamp, "record physical offset does not match its position");
                        }
                        lastTimestamp = view.StoreTimestamp;
                        position += recordSize;
                        break;
                    case RecordReadStatus.Blank:
                        if (position + recordSize != size)
                        {
                            return (segment.StartOffset + position, false, lastTimestamp, "filler does not end at the segment end");
                        }
                        return (segment.EndOffset, true, lastTimestamp, null);
                    default:
                        var rest = window[(position - windowStart)..];
                        bool clean = rest.Length < 8 || BinaryPrimitives.ReadInt64BigEndian(rest) == 0;
                        return (segment.StartOffset + position, false, lastTimestamp, clean && status == RecordReadStatus.BadMagic ? null : status.ToString());
                }
            }
            return (segment.EndOffset, true, lastTimestamp, null);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Zeroes everything from <paramref name="validEnd"/> to the end of its segment and deletes later segments.</summary>
    private void Truncate(long validEnd)
    {
        var segments = _segments;
        long first = segments[0].StartOffset;
        int keep = (int)((validEnd - first) / _segmentSize);
        if (keep < segments.Length)
        {
            var segment = segments[keep];
            int from = (int)(validEnd - segment.StartOffset);
            // Zero only what is not zero already (a clean tail costs a vectorised read, not a rewrite).
            var zeros = new byte[Math.Min(1024 * 1024, segment.Size)];
            var scratch = segment.IsDirect ? null : new byte[zeros.Length];
            bool wrote = false;
            for (int at = from; at < segment.Size; at += zeros.Length)
            {
                int length = Math.Min(zeros.Length, segment.Size - at);
                ReadOnlySpan<byte> current = segment.IsDirect
                    ? segment.Memory.Span.Slice(at, length)
                    : scratch.AsSpan(0, segment.Device.Read(at, scratch.AsSpan(0, length)));
                if (current.ContainsAnyExcept((byte)0))
                {
                    segment.Device.Write(at, zeros.AsSpan(0, length));
                    wrote = true;
                }
            }
            if (wrote)
            {
                segment.Device.Flush();
            }
            _active = segment;
            for (int i = keep + 1; i < segments.Length; i++)
            {
                segments[i].Close(delete: true);
            }
            _segments = segments[..(keep + 1)];
        }
        else
        {
            _active = null;
        }
    }

    /// <summary>
    /// Syncs the bytes between the flushed offset and <see cref="MaxOffset"/>, segment by segment, range only;
    /// single caller. With <paramref name="wholePagesOnly"/> it stops at the last page boundary: a page
    /// written back is write-protected again, so syncing the page appends are still filling would make the
    /// next append into it take a fault (the eager async flush runs many times a second).
    /// </summary>
    public long Flush(bool wholePagesOnly = false)
    {
        long target = MaxOffset;
        if (wholePagesOnly)
        {
            target &= ~(long)(PageSize - 1);
        }
        long flushed = FlushedOffset;
        if (target <= flushed)
        {
            return flushed;
        }
        var segments = _segments;
        foreach (var segment in segments)
        {
            if (segment.EndOffset > flushed && segment.StartOffset < target && segment.TryAcquire())
            {
                try
                {
                    long from = Math.Max(flushed, segment.StartOffset);
                    long to = Math.Min(target, segment.EndOffset);
                    segment.Device.Flush(from - segment.StartOffset, to - from);
                }
                finally
                {
                    segment.Release();
                }
            }
        }
        Volatile.Write(ref _flushedOffset, target);
        return target;
    }

    /// <summary>The OS page size flushes align to (and RocketMQ counts <c>flushCommitLogLeastPages</c> in).</summary>
    internal const int PageSize = 4096;

    /// <summary>Copies committed bytes from <paramref name="offset"/> (never past <see cref="MaxOffset"/> or the segment end).</summary>
    public int ReadCommitted(long offset, Span<byte> destination)
    {
        long max = MaxOffset;
        if (offset >= max || offset < MinOffset || !TryAcquireSegment(offset, out var segment))
        {
            return 0;
        }
        try
        {
            int count = (int)Math.Min(destination.Length, Math.Min(segment.EndOffset, max) - offset);
            return segment.Read((int)(offset - segment.StartOffset), destination[..count]);
        }
        finally
        {
            segment.Release();
        }
    }

    /// <summary>Deletes whole segments; returns how many (never the active one).</summary>
    public int DeleteSegments(Func<CommitLogSegment, bool> predicate, int max, string reason)
    {
        int deleted = 0;
        lock (_writeLock)
        {
            var segments = _segments;
            int remove = 0;
            while (remove < segments.Length - 1 && remove < max && predicate(segments[remove]) && segments[remove] != _active)
            {
                remove++;
            }
            if (remove == 0)
            {
                return 0;
            }
            _segments = segments[remove..];
            Volatile.Write(ref _minOffset, _segments[0].StartOffset);
            for (int i = 0; i < remove; i++)
            {
                segments[i].Close(delete: true);
                StoreLog.SegmentDeleted(_logger, segments[i].StartOffset, reason);
                deleted++;
            }
        }
        return deleted;
    }
}
