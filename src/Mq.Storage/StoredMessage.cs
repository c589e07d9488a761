using Mq.Messages;

namespace Mq.Storage;

/// <summary>One stored record read by physical offset, leased until disposed.</summary>
public sealed class StoredMessage : IDisposable
{
    private readonly LeaseSet _leases;

    internal StoredMessage(LeaseSet leases, ReadOnlyMemory<byte> record)
    {
        _leases = leases;
        Record = record;
    }

    /// <summary>The stored bytes (a VIEW_MESSAGE_BY_ID body).</summary>
    public ReadOnlyMemory<byte> Record { get; }

    /// <summary>Materialises the record.</summary>
    public DecodedMessage Decode() => MessageDecoder.Decode(Record.Span);

    /// <summary>Releases the lease.</summary>
    public void Dispose() => _leases.Release();
}
