using Mq.Messages;

namespace Mq.Storage.Abstractions;

/// <summary>Appends records to the commit log; the broker's SEND path.</summary>
public interface ICommitLogWriter
{
    /// <summary>
    /// Appends one message. With <see cref="FlushDiskType.SyncFlush"/> the result is PUT_OK only after the
    /// record is durable (else FLUSH_DISK_TIMEOUT / UNKNOWN_ERROR); with async flush it returns once stored.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(MessageToStore message, CancellationToken cancellationToken = default);

    /// <summary>Appends a SEND_BATCH_MESSAGE body in one reservation; durability as <see cref="AppendAsync"/>.</summary>
    ValueTask<AppendResult> AppendBatchAsync(MessageBatchToStore batch, CancellationToken cancellationToken = default);

    /// <summary>Appends one message without waiting for durability (pair with <see cref="WaitDurableAsync"/>).</summary>
    AppendResult Append(MessageToStore message);

    /// <summary>Appends a batch without waiting for durability.</summary>
    AppendResult AppendBatch(MessageBatchToStore batch);

    /// <summary>
    /// Completes with PUT_OK when every byte below <paramref name="endOffset"/> is on disk,
    /// FLUSH_DISK_TIMEOUT after the sync-flush timeout, or UNKNOWN_ERROR if a flush failed.
    /// Allocation-free (pooled completion); one fdatasync serves all concurrent waiters.
    /// </summary>
    ValueTask<PutMessageStatus> WaitDurableAsync(long endOffset, CancellationToken cancellationToken = default);
}
