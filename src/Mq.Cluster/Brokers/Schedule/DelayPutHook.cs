using System.Buffers.Text;
using System.Globalization;
using Mq.Brokers.Topics;
using Mq.Messages;

namespace Mq.Brokers.Schedule;

/// <summary>
/// Parks messages with a delay level in SCHEDULE_TOPIC_XXXX (RocketMQ <c>CommitLog.putMessage</c>): queue
/// level − 1, the real destination kept in REAL_TOPIC / REAL_QID, DELAY clamped to the highest level. The store
/// derives the consume-queue tags code (delivery time) from DELAY. Prepared and rolled-back transactional
/// messages are never delayed. Messages without DELAY pass through untouched and without allocation.
/// </summary>
internal sealed class DelayPutHook(int maxLevel) : IPutMessageHook
{
    public int BeforePut(MessageToStore message, out string? remark)
    {
        remark = null;
        if (!MessageProperties.TryGetValue(message.Properties.Span, "DELAY"u8, out ReadOnlySpan<byte> value)
            || !Utf8Parser.TryParse(value, out int level, out int consumed) || consumed != value.Length || level <= 0)
        {
            return 0;
        }
        int type = MessageSysFlag.TransactionType(message.SysFlag);
        if (type != MessageSysFlag.TransactionNotType && type != MessageSysFlag.TransactionCommitType)
        {
            return 0;
        }
        if (message.Topic == TopicValidator.ScheduleTopic)
        {
            return 0;
        }
        level = Math.Min(level, maxLevel);
        Dictionary<string, string> properties = MessageProperties.Decode(message.Properties.Span);
        properties[MessageConst.DelayTimeLevel] = level.ToString(CultureInfo.InvariantCulture);
        properties[MessageConst.RealTopic] = message.Topic;
        properties[MessageConst.RealQueueId] = message.QueueId.ToString(CultureInfo.InvariantCulture);
        message.Properties = MessageProperties.Encode(properties);
        message.Topic = TopicValidator.ScheduleTopic;
        message.QueueId = level - 1;
        return 0;
    }
}
