using System.Buffers.Binary;

namespace Mq.Storage.ConsumeQueue;

/// <summary>A 20-byte consume-queue entry (RocketMQ <c>ConsumeQueue</c>: offset 8, size 4, tags code 8).</summary>
public readonly record struct ConsumeQueueEntry(long PhysicalOffset, int Size, long TagsCode)
{
    /// <summary>Bytes per entry.</summary>
    public const int Length = 20;

    /// <summary>Whether the entry was written (RocketMQ: offset ≥ 0 and size &gt; 0).</summary>
    public bool IsValid => PhysicalOffset >= 0 && Size > 0;

    /// <summary>Reads an entry.</summary>
    public static ConsumeQueueEntry Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt64BigEndian(source),
        BinaryPrimitives.ReadInt32BigEndian(source[8..]),
        BinaryPrimitives.ReadInt64BigEndian(source[12..]));

    /// <summary>Writes the entry.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, PhysicalOffset);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], Size);
        BinaryPrimitives.WriteInt64BigEndian(destination[12..], TagsCode);
    }
}
