namespace Mq.Storage;

/// <summary>Outcome of an append (RocketMQ <c>PutMessageStatus</c>).</summary>
public enum PutMessageStatus
{
    /// <summary>Stored (and, with sync flush, durable).</summary>
    PutOk,
    /// <summary>Stored but not confirmed durable within <see cref="StoreOptions.SyncFlushTimeout"/>.</summary>
    FlushDiskTimeout,
    /// <summary>Stored but the slave did not acknowledge in time (set by the broker's HA layer).</summary>
    FlushSlaveTimeout,
    /// <summary>Stored but no healthy slave (set by the broker's HA layer).</summary>
    SlaveNotAvailable,
    /// <summary>Not stored: the store refuses appends (slave role, disk full, failed flush, shutting down); see <see cref="MessageStore.WriteRefusal"/>.</summary>
    ServiceNotAvailable,
    /// <summary>Not stored: a new commit-log segment could not be created.</summary>
    CreateMappedFileFailed,
    /// <summary>Not stored: the message is malformed or too large.</summary>
    MessageIllegal,
    /// <summary>Not stored: the properties exceed 32 767 bytes.</summary>
    PropertiesSizeExceeded,
    /// <summary>Not stored: the commit log is busy (kept for protocol parity; this store does not time out its lock).</summary>
    OsPageCacheBusy,
    /// <summary>The outcome is unknown or failed (e.g. the flush to disk failed): never treat as stored durably.</summary>
    UnknownError,
}
