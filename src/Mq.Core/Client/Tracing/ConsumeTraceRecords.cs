using Mq.Messages;

namespace Mq.Client.Tracing;

/// <summary>The SubBefore/SubAfter pair of one hand-over of messages to the application (RocketMQ <c>ConsumeMessageTraceHookImpl</c>).</summary>
internal static class ConsumeTraceRecords
{
    /// <summary>RocketMQ <c>ConsumeReturnType</c> ordinals a SubAfter record carries.</summary>
    public const int Success = 0, Exception = 2, Failed = 4;

    /// <summary>
    /// The SubBefore record of <paramref name="messages"/>; null when none is traced (a message the broker stored
    /// with <c>TRACE_ON=false</c> is left out, as Java leaves it out).
    /// </summary>
    public static TraceContext? Before(IReadOnlyList<ReceivedMessage> messages, string group, string requestId, long now)
    {
        var beans = new List<TraceBean>(messages.Count);
        string? region = null;
        foreach (ReceivedMessage message in messages)
        {
            if (string.Equals(message.Property(MessageConst.TraceSwitch), "false", StringComparison.Ordinal))
            {
                continue;
            }
            region = message.Property(MessageConst.MessageRegion);
            beans.Add(new TraceBean
            {
                Topic = message.Topic, MessageId = message.MessageId, Tags = message.Tags, Keys = message.Keys,
                StoreTime = message.StoreTimestamp.ToUnixTimeMilliseconds(), BodyLength = message.StoreSize, RetryTimes = message.ReconsumeTimes,
            });
        }
        return beans.Count == 0 ? null : new TraceContext
        {
            Type = TraceType.SubBefore, TimeStamp = now, RegionId = region, GroupName = group, RequestId = requestId, Beans = beans,
        };
    }

    /// <summary>The SubAfter record paired with <paramref name="before"/>; the cost is per message handed over, as Java divides it.</summary>
    public static TraceContext After(TraceContext before, bool success, int contextCode, long now, int handedOver) => new()
    {
        Type = TraceType.SubAfter,
        TimeStamp = now,
        RegionId = before.RegionId,
        GroupName = before.GroupName,
        RequestId = before.RequestId,
        IsSuccess = success,
        CostTime = (int)Math.Max(0, (now - before.TimeStamp) / Math.Max(1, handedOver)),
        ContextCode = contextCode,
        Beans = before.Beans,
    };
}
