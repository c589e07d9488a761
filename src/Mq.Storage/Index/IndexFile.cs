using System.Buffers.Binary;
using Mq.Storage.Devices;

namespace Mq.Storage.Index;

/// <summary>
/// One index file in RocketMQ's format (<c>IndexFile</c>/<c>IndexHeader</c>): a 40-byte header, a table of
/// hash slots (int32 = newest entry number in the slot) and 20-byte entries numbered from 1
/// (<c>keyHash | phyOffset | timeDiff seconds | prevEntry</c>). Single writer (the dispatcher).
/// </summary>
internal sealed class IndexFile
{
    private const int HeaderLength = 40;
    private const int EntryLength = 20;
    private readonly ISegmentDevice _device;
    private readonly int _slots;
    private readonly int _maxEntries;
    private long _beginTimestamp;
    private long _endTimestamp;
    private long _beginPhyOffset;
    private long _endPhyOffset;
    private int _hashSlotCount;
    private int _indexCount;

    public IndexFile(ISegmentDevice device, int slots, int maxEntries)
    {
        _device = device;
        _slots = slots;
        _maxEntries = maxEntries;
        Span<byte> header = stackalloc byte[HeaderLength];
        device.Read(0, header);
        _beginTimestamp = BinaryPrimitives.ReadInt64BigEndian(header);
        _endTimestamp = BinaryPrimitives.ReadInt64BigEndian(header[8..]);
        _beginPhyOffset = BinaryPrimitives.ReadInt64BigEndian(header[16..]);
        _endPhyOffset = BinaryPrimitives.ReadInt64BigEndian(header[24..]);
        _hashSlotCount = BinaryPrimitives.ReadInt32BigEndian(header[32..]);
        _indexCount = Math.Max(1, BinaryPrimitives.ReadInt32BigEndian(header[36..]));
    }

    public static long FileLength(int slots, int maxEntries) => HeaderLength + (slots * 4L) + (maxEntries * (long)EntryLength);

    public string Path => _device.Path;

    public long BeginTimestamp => Volatile.Read(ref _beginTimestamp);

    public long EndTimestamp => Volatile.Read(ref _endTimestamp);

    public long BeginPhyOffset => Volatile.Read(ref _beginPhyOffset);

    public long EndPhyOffset => Volatile.Read(ref _endPhyOffset);

    public bool IsFull => Volatile.Read(ref _indexCount) >= _maxEntries;

    public bool IsEmpty => Volatile.Read(ref _indexCount) <= 1;

    /// <summary>Key hash as RocketMQ computes it: |String.hashCode()|, with Integer.MIN_VALUE mapped to 0.</summary>
    public static int KeyHash(int javaHash) => javaHash == int.MinValue ? 0 : Math.Abs(javaHash);

    /// <summary>Adds a key; false when the file is full.</summary>
    public bool Put(int javaHash, long phyOffset, long storeTimestamp)
    {
        int count = _indexCount;
        if (count >= _maxEntries)
        {
            return false;
        }
        int keyHash = KeyHash(javaHash);
        int slot = keyHash % _slots;
        long slotPosition = HeaderLength + (slot * 4L);
        Span<byte> buffer = stackalloc byte[EntryLength];
        _device.Read(slotPosition, buffer[..4]);
        int previous = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (previous < 0 || previous > count)
        {
            previous = 0;
        }
        if (count <= 1)
        {
            _beginTimestamp = storeTimestamp;
            _beginPhyOffset = phyOffset;
        }
        long timeDiff = (storeTimestamp - _beginTimestamp) / 1000;
        timeDiff = Math.Clamp(timeDiff, 0, int.MaxValue);
        BinaryPrimitives.WriteInt32BigEndian(buffer, keyHash);
        BinaryPrimitives.WriteInt64BigEndian(buffer[4..], phyOffset);
        BinaryPrimitives.WriteInt32BigEndian(buffer[12..], (int)timeDiff);
        BinaryPrimitives.WriteInt32BigEndian(buffer[16..], previous);
        _device.Write(HeaderLength + (_slots * 4L) + (count * (long)EntryLength), buffer);
        BinaryPrimitives.WriteInt32BigEndian(buffer, count);
        _device.Write(slotPosition, buffer[..4]);
        if (previous == 0)
        {
            _hashSlotCount++;
        }
        Volatile.Write(ref _endPhyOffset, phyOffset);
        Volatile.Write(ref _endTimestamp, storeTimestamp);
        Volatile.Write(ref _indexCount, count + 1);
        WriteHeader();
        return true;
    }

    /// <summary>Collects physical offsets of entries whose hash matches, newest first, within [begin, end] ms.</summary>
    public void Select(int javaHash, long begin, long end, int maxCount, List<long> result)
    {
        int keyHash = KeyHash(javaHash);
        int slot = keyHash % _slots;
        Span<byte> buffer = stackalloc byte[EntryLength];
        _device.Read(HeaderLength + (slot * 4L), buffer[..4]);
        int entry = BinaryPrimitives.ReadInt32BigEndian(buffer);
        int count = Volatile.Read(ref _indexCount);
        long beginTimestamp = BeginTimestamp;
        int guard = 0;
        while (entry > 0 && entry < count && result.Count < maxCount && guard++ < count)
        {
            _device.Read(HeaderLength + (_slots * 4L) + (entry * (long)EntryLength), buffer);
            int hash = BinaryPrimitives.ReadInt32BigEndian(buffer);
            long phyOffset = BinaryPrimitives.ReadInt64BigEndian(buffer[4..]);
            long time = beginTimestamp + (BinaryPrimitives.ReadInt32BigEndian(buffer[12..]) * 1000L);
            int previous = BinaryPrimitives.ReadInt32BigEndian(buffer[16..]);
            // timeDiff is in whole seconds, so compare at second granularity like RocketMQ does.
            if (hash == keyHash && time >= begin - 999 && time <= end)
            {
                result.Add(phyOffset);
            }
            if (previous <= 0 || previous >= entry)
            {
                break;
            }
            entry = previous;
        }
    }

    public void Flush() => _device.Flush();

    public void Close() => _device.Dispose();

    private void WriteHeader()
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        BinaryPrimitives.WriteInt64BigEndian(header, _beginTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], _endTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(header[16..], _beginPhyOffset);
        BinaryPrimitives.WriteInt64BigEndian(header[24..], _endPhyOffset);
        BinaryPrimitives.WriteInt32BigEndian(header[32..], _hashSlotCount);
        BinaryPrimitives.WriteInt32BigEndian(header[36..], _indexCount);
        _device.Write(0, header);
    }
}
