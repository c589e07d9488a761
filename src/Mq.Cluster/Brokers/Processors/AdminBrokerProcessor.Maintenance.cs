using Mq.Brokers.Topics;
using Mq.Protocol;
using Mq.Protocol.Body;

namespace Mq.Brokers.Processors;

// The maintenance commands mqadmin sends (RocketMQ 4.9 AdminBrokerProcessor): consumeTimeSpan, the system topic list,
// cleanUnusedTopic, cloneGroupOffset and the correction offsets.
internal sealed partial class AdminBrokerProcessor
{
    /// <summary>
    /// QUERY_CONSUME_TIME_SPAN: per writable queue of the topic, the store times of its oldest and newest message,
    /// of the last one the group consumed, and how long the next one has waited. A group that committed nothing
    /// is measured from the queue's oldest message (4.9 looks up offset -1 there and reports the current time as
    /// the delay).
    /// </summary>
    private RemotingCommand ConsumeTimeSpan(RemotingCommand request)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        string group = request.ExtFields.GetRequiredString("group"u8);
        TopicConfig? config = broker.Topics.Find(topic);
        if (config is null)
        {
            return Error(request, ResponseCode.TopicNotExist, $"topic[{topic}] not exist");
        }
        long now = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var body = new QueryConsumeTimeSpanBody();
        for (int queueId = 0; queueId < config.WriteQueueNums; queueId++)
        {
            long minTime = broker.Store.GetEarliestMessageTime(topic, queueId);
            long max = broker.Store.GetMaxOffsetInQueue(topic, queueId);
            long consumed = broker.Offsets.Query(group, topic, queueId);
            var span = new QueueTimeSpan
            {
                MessageQueue = new MessageQueue(topic, broker.Options.BrokerName, queueId),
                MinTimeStamp = minTime,
                MaxTimeStamp = broker.Store.GetMessageStoreTimestamp(topic, queueId, max - 1),
                ConsumeTimeStamp = consumed > 0 ? broker.Store.GetMessageStoreTimestamp(topic, queueId, consumed - 1) : minTime,
            };
            long next = Math.Max(consumed, broker.Store.GetMinOffsetInQueue(topic, queueId));
            if (next < max && broker.Store.GetMessageStoreTimestamp(topic, queueId, next) is var nextTime and >= 0)
            {
                span.DelayTime = now - nextTime;
            }
            body.ConsumeTimeSpanSet.Add(span);
        }
        return WithBody(request, body);
    }

    /// <summary>GET_SYSTEM_TOPIC_LIST_FROM_BROKER: the reserved topics, this broker's cluster and broker name topics and its trace topic.</summary>
    private RemotingCommand SystemTopics(RemotingCommand request)
    {
        var body = new TopicList();
        body.Topics.UnionWith(TopicValidator.SystemTopics);
        body.Topics.Add(broker.Options.BrokerClusterName);
        body.Topics.Add(broker.Options.BrokerName);
        if (broker.Options.TraceTopicEnable)
        {
            body.Topics.Add(broker.Options.MsgTraceTopicName);
        }
        return WithBody(request, body);
    }

    /// <summary>
    /// CLEAN_UNUSED_TOPIC (mqadmin cleanUnusedTopic): deletes the consume queues of topics that have no topic config
    /// any more, except the delay and transaction-op queues, which never have one in 4.9 either.
    /// </summary>
    private async ValueTask<RemotingCommand?> CleanUnusedTopicsAsync(RemotingCommand request)
    {
        foreach (string topic in broker.Store.ConsumeQueueTopics())
        {
            if (broker.Topics.Find(topic) is null && topic is not TopicValidator.ScheduleTopic and not TopicValidator.TransOpHalfTopic)
            {
                await broker.Store.DeleteTopicAsync(topic).ConfigureAwait(false);
            }
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    /// <summary>
    /// DELETE_EXPIRED_COMMITLOG (4.9.x <c>executeDeleteFilesManually</c>, <c>mqadmin deleteExpiredCommitLog</c>): the next
    /// retention passes delete expired commit-log segments (older than fileReservedTime) without waiting for the
    /// deleteWhen hour.
    /// </summary>
    private RemotingCommand DeleteExpiredCommitLog(RemotingCommand request)
    {
        broker.Store.DeleteExpiredFilesManually();
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    /// <summary>
    /// CLEAN_EXPIRED_CONSUMEQUEUE (mqadmin cleanExpiredCQ): deletes consume queues every message of which retention
    /// already removed from the commit log, except the delay queues (their progress lives in delayOffset.json).
    /// </summary>
    private async ValueTask<RemotingCommand?> CleanExpiredConsumeQueuesAsync(RemotingCommand request)
    {
        await broker.Store.CleanExpiredConsumeQueuesAsync(static topic => topic == TopicValidator.ScheduleTopic).ConfigureAwait(false);
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    /// <summary>
    /// QUERY_CONSUME_QUEUE (mqadmin queryCq): up to <c>count</c> entries of a consume queue from <c>index</c>, its
    /// first and next offsets, and, for a named group, its subscription (or that it is not online). 4.9 encodes the
    /// body before filling it, so its answer carries none of this; here it is filled. There are no consume-queue
    /// extensions, so no entry has extended data, a bit map or a filter evaluation.
    /// </summary>
    private RemotingCommand ConsumeQueueEntries(RemotingCommand request)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        int queueId = request.ExtFields.GetRequiredInt32("queueId"u8);
        long index = request.ExtFields.GetRequiredInt64("index"u8);
        int count = Math.Clamp(request.ExtFields.GetRequiredInt32("count"u8), 0, 10_000);
        string? group = request.ExtFields.GetString("consumerGroup"u8);
        var entries = new List<Storage.ConsumeQueue.ConsumeQueueEntry>();
        if (!broker.Store.TryReadConsumeQueue(topic, queueId, index, count, entries, out long min, out long max))
        {
            return Error(request, ResponseCode.SystemError, $"{queueId}@{topic} is not exist!");
        }
        var body = new QueryConsumeQueueResponseBody { MinQueueIndex = min, MaxQueueIndex = max };
        if (!string.IsNullOrEmpty(group))
        {
            body.SubscriptionData = broker.Consumers.FindSubscription(group, topic);
            // Tag subscriptions have no filter data (Java serialises its null filter as "null").
            body.FilterData = body.SubscriptionData is null ? $"{group}@{topic} is not online!" : "null";
        }
        foreach (var entry in entries)
        {
            body.QueueData.Add(new ConsumeQueueData { PhysicOffset = entry.PhysicalOffset, PhysicSize = entry.Size, TagsCode = entry.TagsCode });
        }
        RemotingCommand response = WithBody(request, body);
        if (entries.Count == 0 && count > 0)
        {
            response.Remark = $"Index {index} of {queueId}@{topic} is not exist!";
        }
        return response;
    }

    /// <summary>
    /// RESUME_CHECK_HALF_MESSAGE (mqadmin resumeCheckHalfMessage): the message at the offset id (usually one the check
    /// gave up on, in TRANS_CHECK_MAX_TIME_TOPIC) goes back into the half topic with its check count at 0, so the
    /// broker asks its producer group about it again.
    /// </summary>
    private async ValueTask<RemotingCommand?> ResumeCheckHalfMessageAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        const string Failed = "Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.";
        string? msgId = request.ExtFields.GetString("msgId"u8);
        if (msgId is null || !Mq.Messages.OffsetMessageId.TryParse(msgId, out _, out long offset))
        {
            return Error(request, ResponseCode.SystemError, "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC: invalid msgId " + msgId);
        }
        Mq.Messages.DecodedMessage stored;
        using (Mq.Storage.StoredMessage? found = broker.Store.ReadMessage(offset))
        {
            if (found is null)
            {
                return Error(request, ResponseCode.SystemError, Failed + " No message at " + msgId + ".");
            }
            stored = found.Decode();
        }
        Dictionary<string, string> properties = Schedule.StoredMessageCopy.Properties(stored);
        properties[Mq.Messages.MessageConst.TransactionCheckTimes] = "0";
        var half = Schedule.StoredMessageCopy.Create(stored, properties, TopicValidator.TransHalfTopic, 0, broker.StoreHost);
        Mq.Storage.AppendResult result = await broker.PutMessageAsync(half, out int refused, out string? remark, cancellationToken).ConfigureAwait(false);
        return refused == 0 && result.IsStored
            ? RemotingCommand.CreateResponse(request, ResponseCode.Success)
            : Error(request, ResponseCode.SystemError, Failed + (remark is null ? string.Empty : " " + remark));
    }

    /// <summary>
    /// CLONE_GROUP_OFFSET (mqadmin cloneGroupOffset): the destination group gets the source group's offsets on the
    /// topic, or on every topic the source committed on when none is named. Unknown topics are skipped, and so is a
    /// topic an online source group no longer subscribes to unless <c>offline</c> is set.
    /// </summary>
    private RemotingCommand CloneGroupOffset(RemotingCommand request)
    {
        string source = request.ExtFields.GetRequiredString("srcGroup"u8);
        string destination = request.ExtFields.GetRequiredString("destGroup"u8);
        string? topic = request.ExtFields.GetString("topic"u8);
        bool offline = request.ExtFields.GetBoolean("offline"u8) ?? false;
        HashSet<string> topics = string.IsNullOrWhiteSpace(topic) ? broker.Offsets.WhichTopicByGroup(source) : [topic];
        foreach (string each in topics)
        {
            if (broker.Topics.Find(each) is null)
            {
                continue;
            }
            if (!offline && broker.Consumers.Find(source) is { Subscriptions.IsEmpty: false } && broker.Consumers.FindSubscription(source, each) is null)
            {
                continue;
            }
            broker.Offsets.Clone(source, destination, each);
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    /// <summary>
    /// QUERY_CORRECTION_OFFSET: per queue, the smallest offset the topic's groups (less <c>filterGroups</c>, comma
    /// separated) committed; <see cref="long.MaxValue"/> where <c>compareGroup</c> is behind it.
    /// </summary>
    private RemotingCommand CorrectionOffset(RemotingCommand request)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        string? compareGroup = request.ExtFields.GetString("compareGroup"u8);
        string? filterGroups = request.ExtFields.GetString("filterGroups"u8);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(filterGroups))
        {
            foreach (string group in filterGroups.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                excluded.Add(group);
            }
        }
        Dictionary<int, long> correction = broker.Offsets.MinOffsetInAllGroups(topic, excluded, queueId => broker.Store.GetMinOffsetInQueue(topic, queueId));
        if (!string.IsNullOrEmpty(compareGroup))
        {
            foreach (KeyValuePair<int, long> compared in broker.Offsets.QueryAll(compareGroup, topic))
            {
                if (correction.TryGetValue(compared.Key, out long min) && min > compared.Value)
                {
                    correction[compared.Key] = long.MaxValue;
                }
            }
        }
        return WithBody(request, new QueryCorrectionOffsetBody { CorrectionOffsets = correction });
    }
}
