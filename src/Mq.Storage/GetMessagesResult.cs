using System.Buffers;
using System.Collections.Concurrent;

namespace Mq.Storage;

/// <summary>
/// Messages read through a consume queue (RocketMQ <c>GetMessageResult</c>): the stored records as
/// leased slices, byte-identical to the commit log, plus the offsets the pull response needs. Dispose
/// it once the bytes are written out; the instance is pooled and must not be used afterwards.
/// </summary>
public sealed class GetMessagesResult : IDisposable
{
    private readonly ConcurrentQueue<GetMessagesResult>? _pool;
    private readonly List<ReadOnlyMemory<byte>> _messages = [];
    private readonly List<long> _queueOffsets = [];
    private int _returned;

    internal GetMessagesResult(ConcurrentQueue<GetMessagesResult>? pool) => _pool = pool;

    internal LeaseSet Leases { get; } = new();

    /// <summary>Marks a pooled instance as handed out again.</summary>
    internal void Rent() => Volatile.Write(ref _returned, 0);

    /// <summary>Status.</summary>
    public GetMessageStatus Status { get; internal set; }

    /// <summary>Where the next read should start.</summary>
    public long NextBeginOffset { get; internal set; }

    /// <summary>Queue min offset.</summary>
    public long MinOffset { get; internal set; }

    /// <summary>Queue max offset.</summary>
    public long MaxOffset { get; internal set; }

    /// <summary>Whether the data read was far behind the head (RocketMQ suggests pulling from a slave then).</summary>
    public bool SuggestPullingFromSlave { get; internal set; }

    /// <summary>Total bytes of all records.</summary>
    public int BufferTotalSize { get; private set; }

    /// <summary>The records, each exactly one stored message.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Messages => _messages;

    /// <summary>Logical offset of each record in <see cref="Messages"/>.</summary>
    public IReadOnlyList<long> QueueOffsets => _queueOffsets;

    /// <summary>Number of records.</summary>
    public int MessageCount => _messages.Count;

    internal void Add(ReadOnlyMemory<byte> record, long queueOffset)
    {
        _messages.Add(record);
        _queueOffsets.Add(queueOffset);
        BufferTotalSize += record.Length;
    }

    /// <summary>Writes all records back to back (a PULL_MESSAGE body).</summary>
    public void CopyTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var message in _messages)
        {
            writer.Write(message.Span);
        }
    }

    /// <summary>Releases the leases and returns the instance to its pool.</summary>
    public void Dispose()
    {
        // A second Dispose must not put the same instance in the pool twice.
        if (Interlocked.Exchange(ref _returned, 1) == 1)
        {
            return;
        }
        Leases.Release();
        _messages.Clear();
        _queueOffsets.Clear();
        BufferTotalSize = 0;
        Status = default;
        NextBeginOffset = MinOffset = MaxOffset = 0;
        SuggestPullingFromSlave = false;
        _pool?.Enqueue(this);
    }
}
