namespace Mq.Storage;

/// <summary>The store's role in a master/slave pair (RocketMQ <c>BrokerRole</c>).</summary>
public enum BrokerRole
{
    /// <summary>Master; replicas (if any) are acknowledged asynchronously.</summary>
    AsyncMaster,
    /// <summary>Master whose broker waits for a slave acknowledgement (the store itself behaves as a master).</summary>
    SyncMaster,
    /// <summary>Slave: normal appends are refused; only <see cref="Abstractions.IReplicationSink"/> appends.</summary>
    Slave,
}
