using Mq.Brokers.Processors;
using Mq.Brokers.Schedule;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Retry;

/// <summary>
/// CONSUMER_SEND_MSG_BACK (RocketMQ 4.9 <c>SendMessageProcessor.asyncConsumerSendMsgBack</c>): a consumer hands
/// back a message it failed to consume. The stored message (looked up by commit-log offset) is copied to
/// <c>%RETRY%&lt;group&gt;</c> with delay level <c>3 + reconsumeTimes</c> (or the requested level), or to
/// <c>%DLQ%&lt;group&gt;</c> once it was retried <c>maxReconsumeTimes</c> times or the consumer asked for it
/// (delay level &lt; 0). The copy keeps body, flag, sysFlag, born time/host and properties, gains RETRY_TOPIC
/// (first retry), ORIGIN_MESSAGE_ID and WAIT=false, and counts one more reconsume.
/// </summary>
internal sealed class SendMessageBackProcessor(Broker broker) : IBrokerProcessor
{
    /// <summary>RocketMQ's <c>DLQ_NUMS_PER_GROUP</c>.</summary>
    private const int DlqQueueNums = 1;

    public void Register(RemotingServer server) => server.RegisterHandler(RequestCode.ConsumerSendMsgBack, this);

    public async ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        var header = new ConsumerSendMsgBackRequestHeader();
        header.Decode(request.ExtFields);
        SubscriptionGroupConfig? group = broker.Groups.FindOrCreate(header.Group);
        if (group is null)
        {
            return Fail(request, ResponseCode.SubscriptionGroupNotExist, "subscription group not exist, " + header.Group);
        }
        if (!PermName.IsWriteable(broker.Options.BrokerPermission))
        {
            return Fail(request, ResponseCode.NoPermission, $"the broker[{broker.Address}] sending message is forbidden");
        }
        if (group.RetryQueueNums <= 0)
        {
            // RocketMQ drops the message silently when the group has no retry queues.
            return RemotingCommand.CreateResponse(request, ResponseCode.Success);
        }
        int topicSysFlag = header.UnitMode == true ? 1 : 0;
        string topic = TopicValidator.RetryTopic(header.Group);
        // RocketMQ 4.9 builds the retry topic from any group name; a name the topic rules refuse (control
        // characters, too long) would store a retry message whose properties cannot be encoded.
        if (TopicValidator.Validate(topic) is { } invalid)
        {
            return Fail(request, ResponseCode.SystemError, invalid);
        }
        TopicConfig retryTopic = broker.Topics.CreateTopicIfAbsent(topic, group.RetryQueueNums, PermName.Read | PermName.Write, topicSysFlag);
        if (!PermName.IsWriteable(retryTopic.Perm))
        {
            return Fail(request, ResponseCode.NoPermission, $"the topic[{topic}] sending message is forbidden");
        }
        int queueId = Random.Shared.Next(Math.Max(1, group.RetryQueueNums));
        DecodedMessage stored;
        using (StoredMessage? found = header.Offset < 0 ? null : broker.Store.ReadMessage(header.Offset))
        {
            if (found is null)
            {
                return Fail(request, ResponseCode.SystemError, "look message by offset failed, " + header.Offset);
            }
            stored = found.Decode();
        }
        Dictionary<string, string> properties = StoredMessageCopy.Properties(stored);
        properties.TryAdd(MessageConst.RetryTopic, stored.Topic);
        properties[MessageConst.WaitStoreMsgOk] = "false";
        int delayLevel = header.DelayLevel;
        int maxReconsumeTimes = request.Version >= RemotingVersion.V3_4_9 && header.MaxReconsumeTimes is { } max ? max : group.RetryMaxTimes;
        if (stored.ReconsumeTimes >= maxReconsumeTimes || delayLevel < 0)
        {
            topic = TopicValidator.DlqTopic(header.Group);
            queueId = 0;
            TopicConfig dlq = broker.Topics.CreateTopicIfAbsent(topic, DlqQueueNums, PermName.Read | PermName.Write);
            if (!PermName.IsWriteable(dlq.Perm))
            {
                return Fail(request, ResponseCode.NoPermission, $"the topic[{topic}] sending message is forbidden");
            }
            // Dead letters are never delayed (a DELAY left from the original message would park them again).
            properties.Remove(MessageConst.DelayTimeLevel);
            BrokerLog.DeadLettered(broker.Logger, stored.OffsetMessageId, header.Group, topic, stored.ReconsumeTimes);
        }
        else
        {
            if (delayLevel == 0)
            {
                delayLevel = 3 + stored.ReconsumeTimes;
            }
            properties[MessageConst.DelayTimeLevel] = delayLevel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (!properties.TryGetValue(MessageConst.OriginMessageId, out string? origin) || string.IsNullOrWhiteSpace(origin))
        {
            properties[MessageConst.OriginMessageId] = stored.OffsetMessageId;
        }
        MessageToStore message = StoredMessageCopy.Create(stored, properties, topic, queueId, broker.StoreHost);
        message.ReconsumeTimes = stored.ReconsumeTimes + 1;
        message.PreparedTransactionOffset = 0;
        AppendResult result = await broker.PutMessageAsync(message, out int refused, out string? remark, cancellationToken).ConfigureAwait(false);
        if (refused != 0)
        {
            return Fail(request, refused, remark ?? "refused");
        }
        return result.Status == PutMessageStatus.PutOk
            ? RemotingCommand.CreateResponse(request, ResponseCode.Success)
            : Fail(request, ResponseCode.SystemError, result.Status.ToString());
    }

    private static RemotingCommand Fail(RemotingCommand request, int code, string remark) => RemotingCommand.CreateResponse(request, code, remark);
}
