namespace Mq.Messages;

/// <summary>
/// The input of a single-message append: everything a SEND request carries plus the broker's store
/// host. The store encodes it straight into the commit log (no intermediate record buffer); the broker
/// may reuse one instance per connection because the store does not keep a reference after the append
/// returns. The queue offset, physical offset, store timestamp and body CRC are assigned by the store.
/// </summary>
/// <remarks>
/// Deviation from RocketMQ's <c>MessageExtBrokerInner</c>: there is no tags-code field; the store
/// derives the consume-queue tags code from the stored TAGS property when dispatching (as RocketMQ does
/// when it rebuilds consume queues), so replayed and original dispatches always agree.
/// </remarks>
public sealed class MessageToStore
{
    /// <summary>Topic (at most 127 UTF-8 bytes).</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>Queue id within the topic.</summary>
    public int QueueId { get; set; }

    /// <summary>User flag from the producer.</summary>
    public int Flag { get; set; }

    /// <summary>System flag (<see cref="MessageSysFlag"/>); the IPv6 host bits are set by the store from the hosts.</summary>
    public int SysFlag { get; set; }

    /// <summary>Producer timestamp, ms since the Unix epoch.</summary>
    public long BornTimestamp { get; set; }

    /// <summary>Producer address.</summary>
    public MessageHost BornHost { get; set; }

    /// <summary>Broker address (brokerIP1 + listen port).</summary>
    public MessageHost StoreHost { get; set; }

    /// <summary>Retry count.</summary>
    public int ReconsumeTimes { get; set; }

    /// <summary>Physical offset of the half message for a committed transactional message, else 0.</summary>
    public long PreparedTransactionOffset { get; set; }

    /// <summary>Body bytes as sent (still compressed when <see cref="MessageSysFlag.Compressed"/> is set).</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>UTF-8 properties string (§4.3 encoding); at most 32 767 bytes.</summary>
    public ReadOnlyMemory<byte> Properties { get; set; }
}
