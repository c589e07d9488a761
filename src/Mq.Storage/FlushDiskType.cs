namespace Mq.Storage;

/// <summary>When appends become durable (RocketMQ <c>FlushDiskType</c>).</summary>
public enum FlushDiskType
{
    /// <summary>Flushed in the background every <see cref="StoreOptions.FlushIntervalCommitLog"/>; appends return before.</summary>
    AsyncFlush,
    /// <summary>Each append waits until a group-commit fdatasync covers it.</summary>
    SyncFlush,
}
