using System.Globalization;
using Microsoft.Extensions.Logging;
using Mq.Storage.Devices;

namespace Mq.Storage.ConsumeQueue;

/// <summary>
/// One topic/queue's consume queue (RocketMQ <c>ConsumeQueue</c>): 20-byte entries at byte
/// <c>logicalOffset × 20</c> across segment files named by their 20-digit start byte offset. The
/// dispatcher is the only writer; readers copy entries without a lock.
/// </summary>
internal sealed class ConsumeQueue
{
    private readonly object _lock = new();
    private readonly string _directory;
    private readonly int _fileSize;
    private readonly long _entriesPerFile;
    private readonly ISegmentDeviceProvider _provider;
    private readonly ILogger _logger;
    private volatile CqFile[] _files = [];
    private long _minOffset;
    private long _maxOffset;
    private long _maxPhysicalEnd;

    public ConsumeQueue(string rootDirectory, string topic, int queueId, int fileSize, ISegmentDeviceProvider provider, ILogger logger)
    {
        Topic = topic;
        QueueId = queueId;
        _directory = Path.Combine(rootDirectory, topic, queueId.ToString(CultureInfo.InvariantCulture));
        _fileSize = fileSize;
        _entriesPerFile = fileSize / ConsumeQueueEntry.Length;
        _provider = provider;
        _logger = logger;
    }

    public string Topic { get; }

    public int QueueId { get; }

    /// <summary>First retained logical offset.</summary>
    public long MinOffset => Volatile.Read(ref _minOffset);

    /// <summary>Next logical offset (entries ever written).</summary>
    public long MaxOffset => Volatile.Read(ref _maxOffset);

    /// <summary>End (offset + size) of the record the last entry points to.</summary>
    public long MaxPhysicalEnd => Volatile.Read(ref _maxPhysicalEnd);

    /// <summary>Opens the files and finds the last valid entry.</summary>
    public void Load()
    {
        var files = new List<CqFile>();
        foreach (var name in _provider.ListFiles(_directory))
        {
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out long startByte) && startByte % _fileSize == 0)
            {
                files.Add(new CqFile(startByte / ConsumeQueueEntry.Length, _provider.Open(Path.Combine(_directory, name), _fileSize)));
            }
        }
        _files = [.. files];
        if (files.Count == 0)
        {
            return;
        }
        var last = files[^1];
        Span<byte> entry = stackalloc byte[ConsumeQueueEntry.Length];
        long count = 0;
        long physicalEnd = 0;
        for (; count < _entriesPerFile; count++)
        {
            if (last.Device.Read(count * ConsumeQueueEntry.Length, entry) < entry.Length)
            {
                break;
            }
            var e = ConsumeQueueEntry.Read(entry);
            if (!e.IsValid)
            {
                break;
            }
            physicalEnd = e.PhysicalOffset + e.Size;
        }
        _maxOffset = last.StartIndex + count;
        _maxPhysicalEnd = physicalEnd;
        _minOffset = files[0].StartIndex;
        if (count == 0 && files.Count > 1)
        {
            _maxPhysicalEnd = LastEntryOf(files[^2]).PhysicalOffset + LastEntryOf(files[^2]).Size;
        }
    }

    /// <summary>
    /// Writes the entry for <paramref name="queueOffset"/>. Idempotent: an entry that already exists is
    /// skipped, which makes replaying the commit log after a crash safe.
    /// </summary>
    public bool Put(long queueOffset, long physicalOffset, int size, long tagsCode)
    {
        lock (_lock)
        {
            long max = _maxOffset;
            if (queueOffset < max)
            {
                return false;
            }
            if (queueOffset > max)
            {
                if (max == _minOffset)
                {
                    // Empty (new, or every file deleted): the queue starts where the commit log says.
                    Volatile.Write(ref _minOffset, queueOffset);
                }
                else
                {
                    StoreLog.ConsumeQueueGap(_logger, Topic, QueueId, queueOffset, max);
                }
            }
            var file = FileFor(queueOffset, create: true)!;
            Span<byte> entry = stackalloc byte[ConsumeQueueEntry.Length];
            new ConsumeQueueEntry(physicalOffset, size, tagsCode).Write(entry);
            file.Device.Write((queueOffset - file.StartIndex) * ConsumeQueueEntry.Length, entry);
            Volatile.Write(ref _maxPhysicalEnd, physicalOffset + size);
            Volatile.Write(ref _maxOffset, queueOffset + 1);
            return true;
        }
    }

    /// <summary>
    /// Copies entries starting at <paramref name="offset"/> into <paramref name="destination"/> (a multiple
    /// of 20 bytes), stopping at the file end or <see cref="MaxOffset"/>. Returns the entry count, or -1
    /// when the file holding <paramref name="offset"/> is missing (OFFSET_FOUND_NULL).
    /// </summary>
    public int ReadEntries(long offset, Span<byte> destination, out long nextFileStart)
    {
        nextFileStart = offset - (offset % _entriesPerFile) + _entriesPerFile;
        var file = FileFor(offset, create: false);
        if (file is null)
        {
            return -1;
        }
        long available = Math.Min(MaxOffset, file.StartIndex + _entriesPerFile) - offset;
        int count = (int)Math.Min(available, destination.Length / ConsumeQueueEntry.Length);
        if (count <= 0)
        {
            return 0;
        }
        try
        {
            int read = file.Device.Read((offset - file.StartIndex) * ConsumeQueueEntry.Length, destination[..(count * ConsumeQueueEntry.Length)]);
            return read / ConsumeQueueEntry.Length;
        }
        catch (ObjectDisposedException)
        {
            return -1;
        }
    }

    /// <summary>Reads one entry; false when missing.</summary>
    public bool TryReadEntry(long offset, out ConsumeQueueEntry entry)
    {
        Span<byte> buffer = stackalloc byte[ConsumeQueueEntry.Length];
        entry = default;
        if (offset < MinOffset || offset >= MaxOffset || ReadEntries(offset, buffer, out _) != 1)
        {
            return false;
        }
        entry = ConsumeQueueEntry.Read(buffer);
        return entry.IsValid;
    }

    /// <summary>Drops entries pointing at or past <paramref name="commitLogMaxOffset"/> (RocketMQ <c>truncateDirtyLogicFiles</c>).</summary>
    public void TruncateDirty(long commitLogMaxOffset)
    {
        lock (_lock)
        {
            long max = _maxOffset;
            long newMax = max;
            while (newMax > _minOffset && TryReadEntry(newMax - 1, out var e) && e.PhysicalOffset + e.Size > commitLogMaxOffset)
            {
                newMax--;
            }
            if (newMax == max)
            {
                return;
            }
            Span<byte> zero = stackalloc byte[ConsumeQueueEntry.Length];
            zero.Clear();
            for (long o = newMax; o < max; o++)
            {
                var file = FileFor(o, create: false);
                file?.Device.Write((o - file.StartIndex) * ConsumeQueueEntry.Length, zero);
            }
            Volatile.Write(ref _maxOffset, newMax);
            _maxPhysicalEnd = newMax > _minOffset && TryReadEntry(newMax - 1, out var last) ? last.PhysicalOffset + last.Size : 0;
            // Files that now start past the end hold nothing.
            var files = _files;
            int keep = files.Length;
            while (keep > 1 && files[keep - 1].StartIndex >= newMax && files[keep - 1].StartIndex > 0)
            {
                keep--;
            }
            if (keep < files.Length)
            {
                _files = files[..keep];
                for (int i = keep; i < files.Length; i++)
                {
                    files[i].Device.Dispose();
                    _provider.Delete(files[i].Device.Path);
                }
            }
            StoreLog.ConsumeQueueTruncated(_logger, Topic, QueueId, newMax);
        }
    }

    /// <summary>
    /// Deletes files whose every entry points below <paramref name="commitLogMinOffset"/> (never the
    /// last file) and moves <see cref="MinOffset"/> to the first entry still in the commit log.
    /// </summary>
    public int DeleteExpired(long commitLogMinOffset)
    {
        int deleted = 0;
        lock (_lock)
        {
            var files = _files;
            int remove = 0;
            while (remove < files.Length - 1)
            {
                var last = LastEntryOf(files[remove]);
                if (last.PhysicalOffset + last.Size > commitLogMinOffset)
                {
                    break;
                }
                remove++;
            }
            if (remove > 0)
            {
                _files = files[remove..];
                for (int i = 0; i < remove; i++)
                {
                    files[i].Device.Dispose();
                    _provider.Delete(files[i].Device.Path);
                    deleted++;
                }
            }
            // Correct the min offset inside the first file (RocketMQ correctMinOffset).
            long min = Math.Max(_minOffset, _files.Length > 0 ? _files[0].StartIndex : _maxOffset);
            while (min < _maxOffset && TryReadEntry(min, out var e) && e.PhysicalOffset < commitLogMinOffset)
            {
                min++;
            }
            Volatile.Write(ref _minOffset, min);
        }
        return deleted;
    }

    public void Flush()
    {
        foreach (var file in _files)
        {
            file.Device.Flush();
        }
    }

    /// <summary>Closes the queue and deletes its files and folder (its topic was deleted).</summary>
    public void Destroy()
    {
        lock (_lock)
        {
            var files = _files;
            _files = [];
            Volatile.Write(ref _minOffset, 0);
            Volatile.Write(ref _maxOffset, 0);
            foreach (var file in files)
            {
                file.Device.Dispose();
                _provider.Delete(file.Device.Path);
            }
        }
        _provider.DeleteDirectoryIfEmpty(_directory);
    }

    public void Close()
    {
        var files = _files;
        _files = [];
        foreach (var file in files)
        {
            file.Device.Dispose();
        }
    }

    private ConsumeQueueEntry LastEntryOf(CqFile file)
    {
        long lastIndex = Math.Min(file.StartIndex + _entriesPerFile, MaxOffset) - 1;
        Span<byte> buffer = stackalloc byte[ConsumeQueueEntry.Length];
        if (lastIndex < file.StartIndex || file.Device.Read((lastIndex - file.StartIndex) * ConsumeQueueEntry.Length, buffer) != buffer.Length)
        {
            return default;
        }
        return ConsumeQueueEntry.Read(buffer);
    }

    private CqFile? FileFor(long offset, bool create)
    {
        var files = _files;
        long start = offset - (offset % _entriesPerFile);
        for (int i = files.Length - 1; i >= 0; i--)
        {
            if (files[i].StartIndex == start)
            {
                return files[i];
            }
            if (files[i].StartIndex < start)
            {
                break;
            }
        }
        if (!create)
        {
            return null;
        }
        string name = (start * ConsumeQueueEntry.Length).ToString("D20", CultureInfo.InvariantCulture);
        var file = new CqFile(start, _provider.Open(Path.Combine(_directory, name), _fileSize));
        var next = new CqFile[files.Length + 1];
        files.CopyTo(next, 0);
        next[^1] = file;
        Array.Sort(next, static (a, b) => a.StartIndex.CompareTo(b.StartIndex));
        _files = next;
        return file;
    }

    private sealed record CqFile(long StartIndex, ISegmentDevice Device);
}
