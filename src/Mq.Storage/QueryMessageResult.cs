namespace Mq.Storage;

/// <summary>Messages found by key (RocketMQ <c>QueryMessageResult</c>); dispose to release the leases.</summary>
public sealed class QueryMessageResult : IDisposable
{
    private readonly List<ReadOnlyMemory<byte>> _messages = [];

    internal LeaseSet Leases { get; } = new();

    /// <summary>Store time of the newest index entry (RocketMQ <c>indexLastUpdateTimestamp</c>).</summary>
    public long IndexLastUpdateTimestamp { get; internal set; }

    /// <summary>Physical offset of the newest index entry.</summary>
    public long IndexLastUpdatePhyOffset { get; internal set; }

    /// <summary>The records, newest first.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Messages => _messages;

    internal void Add(ReadOnlyMemory<byte> record) => _messages.Add(record);

    /// <summary>Releases the leases.</summary>
    public void Dispose()
    {
        Leases.Release();
        _messages.Clear();
    }
}
