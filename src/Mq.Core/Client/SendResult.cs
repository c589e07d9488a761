using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>The broker's acknowledgement of a send (RocketMQ <c>SendResult</c>).</summary>
public sealed class SendResult
{
    /// <summary>Whether (and how durably) the message was stored.</summary>
    public required SendStatus Status { get; init; }

    /// <summary>The client-generated id (<c>UNIQ_KEY</c>); for a batch, the ids joined with commas.</summary>
    public required string MessageId { get; init; }

    /// <summary>The broker's offset message id (store host + commit-log offset); comma-joined for a batch.</summary>
    public required string OffsetMessageId { get; init; }

    /// <summary>The queue the message went to.</summary>
    public required MessageQueue Queue { get; init; }

    /// <summary>The consume-queue offset of the (first) message.</summary>
    public required long QueueOffset { get; init; }

    /// <summary>The transaction id (the UNIQ_KEY) for transactional sends, else null.</summary>
    public string? TransactionId { get; init; }

    /// <summary>The broker's region (<c>MSG_REGION</c>), if it sent one.</summary>
    public string? RegionId { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"SendResult [status={Status}, msgId={MessageId}, offsetMsgId={OffsetMessageId}, queue={Queue}, queueOffset={QueueOffset}]";
}
