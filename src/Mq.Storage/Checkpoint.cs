using System.Buffers.Binary;
using Mq.Storage.Devices;

namespace Mq.Storage;

/// <summary>
/// The <c>checkpoint</c> file (RocketMQ <c>StoreCheckpoint</c>): int64 physic/logics/index message
/// timestamps at 0/8/16 as RocketMQ writes them, plus two fields RocketMQ does not have (deliberate
/// deviation, ignored by a Java reader): at 24 the flushed commit-log offset and at 32 the offset up to
/// which consume queues and index were flushed. Recovery scans from these offsets rather than searching
/// by timestamp.
/// </summary>
internal sealed class Checkpoint : IDisposable
{
    private const int Length = 4096;
    private readonly ISegmentDevice _device;

    public Checkpoint(ISegmentDeviceProvider provider, string path)
    {
        _device = provider.Open(path, Length);
        Span<byte> data = stackalloc byte[40];
        _device.Read(0, data);
        PhysicMsgTimestamp = BinaryPrimitives.ReadInt64BigEndian(data);
        LogicsMsgTimestamp = BinaryPrimitives.ReadInt64BigEndian(data[8..]);
        IndexMsgTimestamp = BinaryPrimitives.ReadInt64BigEndian(data[16..]);
        CommitLogOffset = BinaryPrimitives.ReadInt64BigEndian(data[24..]);
        DispatchedOffset = BinaryPrimitives.ReadInt64BigEndian(data[32..]);
    }

    public long PhysicMsgTimestamp { get; set; }

    public long LogicsMsgTimestamp { get; set; }

    public long IndexMsgTimestamp { get; set; }

    public long CommitLogOffset { get; set; }

    public long DispatchedOffset { get; set; }

    public void Flush()
    {
        Span<byte> data = stackalloc byte[40];
        BinaryPrimitives.WriteInt64BigEndian(data, PhysicMsgTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(data[8..], LogicsMsgTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(data[16..], IndexMsgTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(data[24..], CommitLogOffset);
        BinaryPrimitives.WriteInt64BigEndian(data[32..], DispatchedOffset);
        _device.Write(0, data);
        _device.Flush();
    }

    public void Dispose() => _device.Dispose();
}
