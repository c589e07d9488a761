using System.Globalization;
using Mq.Brokers.Topics;
using Mq.Messages;

namespace Mq.Brokers.Transaction;

/// <summary>
/// Turns a prepared transactional message (<c>TRAN_MSG=true</c>) into a half message (RocketMQ
/// <c>TransactionalMessageBridge.parseHalfMessageInner</c>): stored in RMQ_SYS_TRANS_HALF_TOPIC queue 0 with the
/// real destination in REAL_TOPIC / REAL_QID and its transaction bits reset to NOT_TYPE, so it is dispatched to
/// the half queue only and stays invisible to consumers of the real topic. Re-puts into the half topic (check
/// renewals) pass through unchanged.
/// </summary>
internal sealed class TransactionPutHook(Broker broker) : IPutMessageHook
{
    public int BeforePut(MessageToStore message, out string? remark)
    {
        remark = null;
        if (!MessageProperties.TryGetValue(message.Properties.Span, "TRAN_MSG"u8, out ReadOnlySpan<byte> value)
            || !value.SequenceEqual("true"u8) || message.Topic == TopicValidator.TransHalfTopic)
        {
            return 0;
        }
        broker.Transactions.EnsureTopics();
        Dictionary<string, string> properties = MessageProperties.Decode(message.Properties.Span);
        properties[MessageConst.RealTopic] = message.Topic;
        properties[MessageConst.RealQueueId] = message.QueueId.ToString(CultureInfo.InvariantCulture);
        message.Properties = MessageProperties.Encode(properties);
        message.SysFlag = (message.SysFlag & ~MessageSysFlag.TransactionTypeMask) | MessageSysFlag.TransactionNotType;
        message.Topic = TopicValidator.TransHalfTopic;
        message.QueueId = 0;
        return 0;
    }
}
