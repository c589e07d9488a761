namespace Mq.Storage;

/// <summary>Why the store currently refuses appends.</summary>
public enum WriteRefusal
{
    /// <summary>Appends are accepted.</summary>
    None,
    /// <summary>The store is opened as a slave: only replication appends are allowed.</summary>
    SlaveRole,
    /// <summary>Disk usage is above <see cref="StoreOptions.DiskSpaceWarningLevelRatio"/>; resumes by itself when space returns.</summary>
    DiskFull,
    /// <summary>A flush to disk failed; the store must be reopened (what was written is recovered and verified).</summary>
    FlushFailed,
    /// <summary>The store is shutting down.</summary>
    ShuttingDown,
}
