using Mq.Messages;

namespace Mq.Storage;

/// <summary>
/// Outcome of an append (RocketMQ <c>AppendMessageResult</c> + <c>PutMessageStatus</c>). For a batch,
/// <see cref="WroteOffset"/> is the first record and <see cref="WroteBytes"/> covers all of them.
/// </summary>
public readonly record struct AppendResult(
    PutMessageStatus Status,
    long WroteOffset,
    int WroteBytes,
    long QueueOffset,
    int MessageCount,
    long StoreTimestamp)
{
    /// <summary>Whether the records were written (statuses after PUT_OK such as FLUSH_DISK_TIMEOUT still stored them).</summary>
    public bool IsStored => Status is PutMessageStatus.PutOk or PutMessageStatus.FlushDiskTimeout
        or PutMessageStatus.FlushSlaveTimeout or PutMessageStatus.SlaveNotAvailable;

    /// <summary>End offset of the written bytes (what a durability or replication wait targets).</summary>
    public long EndOffset => WroteOffset + WroteBytes;

    /// <summary>The offset message id of the (first) record (§4.7).</summary>
    public string OffsetMessageId(MessageHost storeHost) => Messages.OffsetMessageId.Create(storeHost, WroteOffset);

    internal static AppendResult Failed(PutMessageStatus status) => new(status, 0, 0, 0, 0, 0);

    internal AppendResult WithStatus(PutMessageStatus status) => this with { Status = status };
}
