using System.Globalization;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol;

namespace Mq.Brokers.Schedule;

/// <summary>
/// Parks RocketMQ 5 timer messages in <c>rmq_sys_wheel_timer</c> (5.x <c>HookUtils.handleScheduleMessage</c> /
/// <c>transformTimerMessage</c>): the delivery time comes from TIMER_DELAY_SEC, else TIMER_DELAY_MS, else
/// TIMER_DELIVER_MS; one in the future is rounded down to the timer precision into TIMER_OUT_MS, the real
/// destination kept in REAL_TOPIC / REAL_QID; one already due is stored as is. A delay level wins over the timer
/// properties, which are then dropped (as 5.x does). A message with TIMER_DEL_UNIQKEY (<c>realTopic+uniqKey</c>) and the
/// same delivery time cancels that timer message (see <see cref="TimerMessageService"/>); it must arrive before the
/// time. Registered before <see cref="DelayPutHook"/>. Messages without
/// timer properties pass with one scan of their properties and no allocation.
/// </summary>
internal sealed class TimerPutHook(BrokerOptions options, TimeProvider time) : IPutMessageHook
{
    public int BeforePut(MessageToStore message, out string? remark)
    {
        remark = null;
        ReadOnlySpan<byte> raw = message.Properties.Span;
        if (raw.IndexOf("TIMER_"u8) < 0)
        {
            return 0;
        }
        int type = MessageSysFlag.TransactionType(message.SysFlag);
        if ((type != MessageSysFlag.TransactionNotType && type != MessageSysFlag.TransactionCommitType)
            || message.Topic == TopicValidator.TimerTopic)
        {
            return 0;
        }
        Dictionary<string, string> properties = MessageProperties.Decode(raw);
        bool hasTimer = properties.ContainsKey(MessageConst.TimerDeliverMs) || properties.ContainsKey(MessageConst.TimerDelaySec)
            || properties.ContainsKey(MessageConst.TimerDelayMs);
        if (!hasTimer || properties.ContainsKey(MessageConst.TimerOutMs))
        {
            // Not a timer message, or one the timer already delivered (its TIMER_OUT_MS stays on it).
            return 0;
        }
        if (properties.TryGetValue(MessageConst.DelayTimeLevel, out string? level) && int.TryParse(level, NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) && l > 0)
        {
            properties.Remove(MessageConst.TimerDeliverMs);
            properties.Remove(MessageConst.TimerDelaySec);
            properties.Remove(MessageConst.TimerDelayMs);
            message.Properties = MessageProperties.Encode(properties);
            return 0;
        }
        if (!options.TimerWheelEnable)
        {
            remark = "accurate timer message is not enabled, timerWheelEnable is false";
            return ResponseCode.MessageIllegal;
        }
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!TryDeliverTime(properties, now, out long deliverMs))
        {
            remark = "timer message illegal: TIMER_DELAY_SEC, TIMER_DELAY_MS or TIMER_DELIVER_MS is not a number";
            return ResponseCode.MessageIllegal;
        }
        if (deliverMs <= now)
        {
            if (properties.ContainsKey(MessageConst.TimerDeleteUniqueKey))
            {
                // A cancellation must reach the timer before the message it cancels is due (5.x refuses it the same way).
                remark = "timer message illegal: the timer message TIMER_DEL_UNIQKEY cancels is already due";
                return ResponseCode.MessageIllegal;
            }
            return 0;
        }
        long maxDelayMs = options.TimerMaxDelaySec * 1000;
        if (deliverMs - now > maxDelayMs)
        {
            remark = $"timer message illegal, the delay time should not be bigger than the max delay {maxDelayMs}ms";
            return ResponseCode.MessageIllegal;
        }
        int precision = options.TimerPrecisionMs;
        deliverMs = deliverMs % precision == 0 ? deliverMs - precision : deliverMs / precision * precision;
        properties[MessageConst.TimerOutMs] = deliverMs.ToString(CultureInfo.InvariantCulture);
        properties[MessageConst.RealTopic] = message.Topic;
        properties[MessageConst.RealQueueId] = message.QueueId.ToString(CultureInfo.InvariantCulture);
        message.Properties = MessageProperties.Encode(properties);
        message.Topic = TopicValidator.TimerTopic;
        message.QueueId = 0;
        return 0;
    }

    private static bool TryDeliverTime(Dictionary<string, string> properties, long now, out long deliverMs)
    {
        deliverMs = 0;
        if (properties.TryGetValue(MessageConst.TimerDelaySec, out string? seconds))
        {
            if (!long.TryParse(seconds, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value > long.MaxValue / 1000 - now / 1000)
            {
                return false;
            }
            deliverMs = now + value * 1000;
            return true;
        }
        if (properties.TryGetValue(MessageConst.TimerDelayMs, out string? millis))
        {
            if (!long.TryParse(millis, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) || value > long.MaxValue - now)
            {
                return false;
            }
            deliverMs = now + value;
            return true;
        }
        return long.TryParse(properties[MessageConst.TimerDeliverMs], NumberStyles.Integer, CultureInfo.InvariantCulture, out deliverMs);
    }
}
