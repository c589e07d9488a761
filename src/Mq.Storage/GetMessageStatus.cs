namespace Mq.Storage;

/// <summary>Outcome of a consume-queue read (RocketMQ <c>GetMessageStatus</c>; §6.2 maps them to response codes).</summary>
public enum GetMessageStatus
{
    /// <summary>At least one message returned.</summary>
    Found,
    /// <summary>Entries were scanned but none matched the filter.</summary>
    NoMatchedMessage,
    /// <summary>The commit log holding the entries was already deleted.</summary>
    MessageWasRemoving,
    /// <summary>The consume-queue file for the offset is missing.</summary>
    OffsetFoundNull,
    /// <summary>Offset &gt; max offset.</summary>
    OffsetOverflowBadly,
    /// <summary>Offset = max offset (caught up).</summary>
    OffsetOverflowOne,
    /// <summary>Offset &lt; min offset.</summary>
    OffsetTooSmall,
    /// <summary>The queue has never existed.</summary>
    NoMatchedLogicQueue,
    /// <summary>The queue exists but has no message (max offset 0).</summary>
    NoMessageInQueue,
}
