using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>The broker's acknowledgement of a send (RocketMQ <c>SendResult</c>).</summary>
public sealed class SendResult
{
    private string? _messageId;
    private UniqueId _messageIdParts;
    private string? _offsetMessageId;
    private UInt128 _packedOffsetMessageId;

    /// <summary>Creates an empty result (set every required property).</summary>
    public SendResult()
    {
    }

    // The send fast path: the broker's 32-hex-digit offset message id is kept as a number and formatted on
    // first read, so a send that never looks at it allocates no string for it.
    [SetsRequiredMembers]
    internal SendResult(SendStatus status, UniqueId messageId, UInt128 packedOffsetMessageId, MessageQueue queue, long queueOffset)
    {
        Status = status;
        _messageIdParts = messageId;
        // Null means "format the parts when first read" (both ids).
        MessageId = null!;
        _packedOffsetMessageId = packedOffsetMessageId;
        OffsetMessageId = null!;
        Queue = queue;
        QueueOffset = queueOffset;
    }

    /// <summary>Whether (and how durably) the message was stored.</summary>
    public required SendStatus Status { get; init; }

    /// <summary>The client-generated id (<c>UNIQ_KEY</c>); for a batch, the ids joined with commas.</summary>
    public required string MessageId
    {
        get => _messageId ??= _messageIdParts.ToString();
        init => _messageId = value;
    }

    /// <summary>The broker's offset message id (store host + commit-log offset); comma-joined for a batch.</summary>
    public required string OffsetMessageId
    {
        get => _offsetMessageId ??= _packedOffsetMessageId.ToString("X32", CultureInfo.InvariantCulture);
        init => _offsetMessageId = value;
    }

    /// <summary>The queue the message went to.</summary>
    public required MessageQueue Queue { get; init; }

    /// <summary>The consume-queue offset of the (first) message.</summary>
    public required long QueueOffset { get; init; }

    /// <summary>The transaction id (the UNIQ_KEY) for transactional sends, else null.</summary>
    public string? TransactionId { get; init; }

    /// <summary>The broker's region (<c>MSG_REGION</c>), if it sent one.</summary>
    public string? RegionId { get; init; }

    /// <summary>False when the broker answered <c>TRACE_ON=false</c>: message traces skip this send (Java <c>isTraceOn</c>).</summary>
    internal bool TraceOn { get; init; } = true;

    /// <inheritdoc />
    public override string ToString() => $"SendResult [status={Status}, msgId={MessageId}, offsetMsgId={OffsetMessageId}, queue={Queue}, queueOffset={QueueOffset}]";
}
