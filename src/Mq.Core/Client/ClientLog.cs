using Microsoft.Extensions.Logging;

namespace Mq.Client;

/// <summary>Client logs (EventIds 600-649).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Client {ClientId} started")]
    public static partial void ClientStarted(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 601, Level = LogLevel.Warning, Message = "NameServer {Address} failed; trying the next one")]
    public static partial void NameServerFailed(this ILogger logger, Exception exception, string address);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Route refresh of topic {Topic} failed")]
    public static partial void RouteRefreshFailed(this ILogger logger, Exception exception, string topic);

    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Heartbeat to broker {Address} failed")]
    public static partial void HeartbeatFailed(this ILogger logger, Exception exception, string address);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Send to {BrokerName} failed (attempt {Attempt}); retrying")]
    public static partial void SendAttemptFailed(this ILogger logger, Exception exception, string brokerName, int attempt);

    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "Rebalance of group {Group} topic {Topic} failed")]
    public static partial void RebalanceFailed(this ILogger logger, Exception exception, string group, string topic);

    [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "Group {Group} topic {Topic}: now consuming {Count} queue(s) ({Added} added, {Removed} removed)")]
    public static partial void RebalanceChanged(this ILogger logger, string group, string topic, int count, int added, int removed);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Pull from {Queue} failed; retrying later")]
    public static partial void PullFailed(this ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "Offset of {Queue} was illegal; moving to {Offset}")]
    public static partial void OffsetIllegal(this ILogger logger, string queue, long offset);

    [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "Handler failed on message {MessageId}")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, string messageId);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Sending message {MessageId} back to the broker failed; redelivering it locally")]
    public static partial void SendBackFailed(this ILogger logger, Exception exception, string messageId);

    [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "Committing offsets of group {Group} failed")]
    public static partial void OffsetCommitFailed(this ILogger logger, Exception exception, string group);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Transaction check-back for message {MessageId} failed")]
    public static partial void TransactionCheckFailed(this ILogger logger, Exception exception, string? messageId);

    [LoggerMessage(EventId = 613, Level = LogLevel.Warning, Message = "Computing the start offset of {Queue} failed; skipped until the next rebalance")]
    public static partial void StartOffsetFailed(this ILogger logger, Exception exception, string queue);

    [LoggerMessage(EventId = 614, Level = LogLevel.Warning, Message = "Locking queues on {Address} failed")]
    public static partial void LockFailed(this ILogger logger, Exception exception, string address);

    [LoggerMessage(EventId = 615, Level = LogLevel.Warning, Message = "Unregistering from {Address} failed")]
    public static partial void UnregisterFailed(this ILogger logger, Exception exception, string address);

    [LoggerMessage(EventId = 616, Level = LogLevel.Information, Message = "Client {ClientId} stopped")]
    public static partial void ClientStopped(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 617, Level = LogLevel.Warning, Message = "A reply (correlation id {CorrelationId}) from {Broker} matches no request waiting for one (timed out?)")]
    public static partial void ReplyUnmatched(this ILogger logger, string? correlationId, string broker);

    [LoggerMessage(EventId = 618, Level = LogLevel.Warning, Message = "The message-trace queue is full: {Dropped} trace records dropped so far (the trace topic's brokers are slow or unreachable)")]
    public static partial void TraceRecordsDropped(this ILogger logger, long dropped);

    [LoggerMessage(EventId = 619, Level = LogLevel.Information, Message = "Sending {Records} message-trace records to {TraceTopic} failed; they are dropped")]
    public static partial void TraceSendFailed(this ILogger logger, Exception exception, int records, string traceTopic);
}
