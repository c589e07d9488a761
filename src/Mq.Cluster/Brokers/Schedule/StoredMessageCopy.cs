using Mq.Messages;

namespace Mq.Brokers.Schedule;

/// <summary>
/// Builds the message the broker re-puts from one it stored (RocketMQ <c>ScheduleMessageService.messageTimeup</c>,
/// <c>TransactionalMessageBridge.renewHalfMessageInner</c>, <c>EndTransactionProcessor.endMessageTransaction</c>):
/// same body, flag, sysFlag, born timestamp/host and reconsume times; the caller sets topic, queue and properties.
/// Allocates (a dictionary of properties): only delayed, retried and transactional messages take this path.
/// </summary>
internal static class StoredMessageCopy
{
    /// <summary>A copy of <paramref name="stored"/> with <paramref name="properties"/> encoded as its properties string.</summary>
    public static MessageToStore Create(DecodedMessage stored, IEnumerable<KeyValuePair<string, string>> properties, string topic, int queueId, MessageHost storeHost) => new()
    {
        Topic = topic,
        QueueId = queueId,
        Flag = stored.Flag,
        SysFlag = stored.SysFlag,
        BornTimestamp = stored.BornTimestamp,
        BornHost = stored.BornHost,
        StoreHost = storeHost,
        ReconsumeTimes = stored.ReconsumeTimes,
        PreparedTransactionOffset = stored.PreparedTransactionOffset,
        Body = stored.Body,
        Properties = MessageProperties.Encode(properties),
    };

    /// <summary>
    /// The real destination a parked message keeps in REAL_TOPIC / REAL_QID (delayed, timer and half messages); with
    /// <paramref name="remove"/> the two properties are taken off. False when either is missing or unreadable.
    /// </summary>
    public static bool TryRealDestination(Dictionary<string, string> properties, bool remove, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? topic, out int queueId)
    {
        queueId = 0;
        bool found = remove
            ? properties.Remove(MessageConst.RealTopic, out topic) & properties.Remove(MessageConst.RealQueueId, out string? queueText)
            : properties.TryGetValue(MessageConst.RealTopic, out topic) & properties.TryGetValue(MessageConst.RealQueueId, out queueText);
        return found && int.TryParse(queueText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out queueId);
    }

    /// <summary>A mutable copy of the stored properties.</summary>
    public static Dictionary<string, string> Properties(DecodedMessage stored) => new(stored.Properties, StringComparer.Ordinal);
}
