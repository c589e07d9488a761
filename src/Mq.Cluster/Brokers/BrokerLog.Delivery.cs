using Microsoft.Extensions.Logging;

namespace Mq.Brokers;

/// <summary>Retry, delay, transaction and lock log messages (EventIds 600-649).</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Delivering delay level {Level} failed; retrying")]
    public static partial void DelayDeliveryFailed(ILogger logger, int level, Exception exception);

    [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "Delayed message at commit-log offset {Offset} has no REAL_TOPIC/REAL_QID; skipped")]
    public static partial void DelayMessageDiscarded(ILogger logger, long offset);

    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "Re-putting the delayed message at {Offset} to {Topic} was refused ({Status}); retrying")]
    public static partial void DelayRedeliveryRefused(ILogger logger, string topic, long offset, string status);

    [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "Message {MsgId} of group {Group} moved to the dead-letter topic {Topic} after {ReconsumeTimes} attempts")]
    public static partial void DeadLettered(ILogger logger, string msgId, string group, string topic, int reconsumeTimes);

    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Transaction check failed")]
    public static partial void TransactionCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Half message {Offset} of producer group {Group} checked {Times} times; moved to TRANS_CHECK_MAX_TIME_TOPIC")]
    public static partial void TransactionCheckGaveUp(ILogger logger, long offset, string group, int times);

    [LoggerMessage(EventId = 606, Level = LogLevel.Debug, Message = "No live producer of group {Group} to check half message {Offset}")]
    public static partial void TransactionNoProducer(ILogger logger, string group, long offset);

    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Sending CHECK_TRANSACTION_STATE to {Remote} failed")]
    public static partial void TransactionCheckSendFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "Delivering timer messages failed; retrying")]
    public static partial void TimerDeliveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 611, Level = LogLevel.Error, Message = "Timer message at timer-queue offset {Offset} skipped: {Reason}")]
    public static partial void TimerMessageDiscarded(ILogger logger, long offset, string reason);

    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "Re-putting the timer message at timer-queue offset {Offset} to {Topic} was refused ({Status}); retrying")]
    public static partial void TimerRedeliveryRefused(ILogger logger, string topic, long offset, string status);

    [LoggerMessage(EventId = 613, Level = LogLevel.Information, Message = "Timer message {Key} at timer-queue offset {Offset} cancelled (TIMER_DEL_UNIQKEY); not delivered")]
    public static partial void TimerMessageCancelled(ILogger logger, string key, long offset);
}
