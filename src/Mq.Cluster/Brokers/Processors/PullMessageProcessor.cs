using System.Collections.Concurrent;
using Mq.Brokers.Clients;
using Mq.Brokers.LongPolling;
using Mq.Brokers.Topics;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Storage.Abstractions;
using Mq.Transport;

namespace Mq.Brokers.Processors;

/// <summary>
/// PULL_MESSAGE (RocketMQ <c>PullMessageProcessor</c>), §6.2: checks, subscription (from the header or the
/// heartbeat), the store read mapped to response codes, the stored records as the body (leased slices, not
/// copied before the socket write), offset commit, and long polling through <see cref="PullRequestHoldService"/>.
/// </summary>
internal sealed class PullMessageProcessor(Broker broker) : IBrokerProcessor
{
    private const int CommitOffsetFlag = 0x1;
    private const int SuspendFlag = 0x2;
    private const int SubscriptionFlag = 0x4;
    private const int MaxCachedExpressions = 4096;

    // Header subscriptions (ali-ons sends one with every pull) are parsed once per distinct expression.
    private readonly ConcurrentDictionary<string, TagFilter> _expressions = new(StringComparer.Ordinal);

    public void Register(RemotingServer server) => server.RegisterHandler(RequestCode.PullMessage, this);

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken) =>
        new(Process(connection, request, allowSuspend: true));

    /// <summary>Re-runs a held request (woken by an arrival, its timer or shutdown) and sends the answer.</summary>
    internal Task ExecuteWakeUpAsync(RemotingConnection connection, RemotingCommand request)
    {
        try
        {
            DeferredReply reply = connection.Defer(request);
            RemotingCommand? response;
            try
            {
                response = Process(connection, request, allowSuspend: false);
            }
            catch (Exception ex) when (ex is RemotingCommandException or ArgumentException or InvalidOperationException or IOException)
            {
                response = reply.CreateResponse(ResponseCode.SystemError, ex.Message);
            }
            if (response is not null)
            {
                reply.Send(response);
            }
        }
        finally
        {
            request.Dispose();
        }
        return Task.CompletedTask;
    }

    private RemotingCommand? Process(RemotingConnection connection, RemotingCommand request, bool allowSuspend)
    {
        PullMessageRequestHeader header = request.DecodeHeader<PullMessageRequestHeader>();
        if (!PermName.IsReadable(broker.Options.BrokerPermission))
        {
            return Error(request, ResponseCode.NoPermission, $"the broker[{broker.Address}] pulling message is forbidden");
        }
        SubscriptionGroupConfig? group = broker.Groups.FindOrCreate(header.ConsumerGroup);
        if (group is null)
        {
            return Error(request, ResponseCode.SubscriptionGroupNotExist, $"subscription group [{header.ConsumerGroup}] does not exist");
        }
        if (!group.ConsumeEnable)
        {
            return Error(request, ResponseCode.NoPermission, $"subscription group no permission, {header.ConsumerGroup}");
        }
        TopicConfig? topic = broker.Topics.Find(header.Topic);
        if (topic is null)
        {
            return Error(request, ResponseCode.TopicNotExist, $"topic[{header.Topic}] not exist, apply first please!");
        }
        if (!PermName.IsReadable(topic.Perm))
        {
            return Error(request, ResponseCode.NoPermission, $"the topic[{header.Topic}] pulling message is forbidden");
        }
        if (header.QueueId < 0 || header.QueueId >= topic.ReadQueueNums)
        {
            return Error(request, ResponseCode.SystemError,
                $"queueId[{header.QueueId}] is illegal, topic:[{header.Topic}] topicConfig.readQueueNums:[{topic.ReadQueueNums}] consumer:[{connection.RemoteAddress}]");
        }
        TagFilter? filter;
        if ((header.SysFlag & SubscriptionFlag) != 0)
        {
            if (header.ExpressionType is { Length: > 0 } type && type != "TAG")
            {
                return Error(request, ResponseCode.SystemError, "The broker does not support consumer to filter message by " + type);
            }
            filter = ParseExpression(header.Subscription);
            if (filter is null)
            {
                return Error(request, ResponseCode.SubscriptionParseFailed, "parse the consumer's subscription failed");
            }
        }
        else
        {
            ConsumerGroupInfo? info = broker.Consumers.Find(header.ConsumerGroup);
            if (info is null)
            {
                return Error(request, ResponseCode.SubscriptionNotExist, $"the consumer's group info not exist, {header.ConsumerGroup}");
            }
            if (!group.ConsumeBroadcastEnable && info.MessageModel == MessageModel.Broadcasting)
            {
                return Error(request, ResponseCode.NoPermission, $"the consumer group[{header.ConsumerGroup}] can not consume by broadcast way");
            }
            if (!info.Subscriptions.TryGetValue(header.Topic, out SubscriptionData? subscription) || !info.Filters.TryGetValue(header.Topic, out filter))
            {
                return Error(request, ResponseCode.SubscriptionNotExist, $"the consumer's subscription not exist, {header.Topic}");
            }
            if (subscription.SubVersion < header.SubVersion)
            {
                return Error(request, ResponseCode.SubscriptionNotLatest, "the consumer's subscription not latest");
            }
            if (subscription.ExpressionType is { Length: > 0 } type && type != "TAG")
            {
                return Error(request, ResponseCode.SystemError, "The broker does not support consumer to filter message by " + type);
            }
        }
        IMessageFilter? storeFilter = filter.MatchesAll ? null : filter;
        GetMessagesResult result = broker.Store.GetMessages(header.Topic, header.QueueId, header.QueueOffset, header.MaxMsgNums, header.MaxMsgBytes ?? 0, storeFilter);
        bool isSlave = broker.Options.BrokerRole == BrokerRole.Slave;
        (int code, long next) = Map(result, header.QueueOffset);
        if (isSlave && code == ResponseCode.PullOffsetMoved)
        {
            // offsetCheckInSlave=false (RocketMQ's default): a slave never corrects offsets.
            code = ResponseCode.PullRetryImmediately;
            next = header.QueueOffset;
        }
        if ((header.SysFlag & CommitOffsetFlag) != 0 && allowSuspend && !isSlave)
        {
            broker.Offsets.Commit(header.ConsumerGroup, header.Topic, header.QueueId, header.CommitOffset);
        }
        if (code == ResponseCode.PullNotFound && allowSuspend && (header.SysFlag & SuspendFlag) != 0)
        {
            long holdMillis = broker.Options.LongPollingEnable ? header.SuspendTimeoutMillis : broker.Options.ShortPollingTimeMills;
            if (holdMillis > 0)
            {
                result.Dispose();
                var held = new PullRequest(this, connection, request.Retain(), header.Topic, header.QueueId, header.QueueOffset, storeFilter);
                // A timer cannot wait longer than 2^32-2 ms (~49.7 days); a client asking for more gets that.
                broker.PullHolds.Suspend(held, TimeSpan.FromMilliseconds(Math.Min(holdMillis, uint.MaxValue - 1L)));
                return null;
            }
        }
        RemotingCommand response = RemotingCommand.CreateResponse(request, code, StatusName(result.Status));
        ExtFields fields = response.ExtFields;
        long suggest = broker.Options.SlaveReadEnable
            ? (result.SuggestPullingFromSlave ? group.WhichBrokerWhenConsumeSlowly : group.BrokerId)
            : 0;
        fields.Add("suggestWhichBrokerId"u8, suggest);
        fields.Add("nextBeginOffset"u8, next);
        fields.Add("minOffset"u8, result.MinOffset);
        fields.Add("maxOffset"u8, result.MaxOffset);
        if (code == ResponseCode.Success)
        {
            Interlocked.Add(ref broker.Stats.GetMessages, result.MessageCount);
            broker.Metrics?.Delivered(header.Topic, header.ConsumerGroup, result.MessageCount);
            broker.StatsItems.Pulled(header.Topic, header.ConsumerGroup, result.MessageCount, result.BufferTotalSize);
            response.SetBody(result.Messages, result.BufferTotalSize, result);
        }
        else
        {
            result.Dispose();
        }
        return response;
    }

    /// <summary>The §6.2 status table.</summary>
    private static (int Code, long Next) Map(GetMessagesResult result, long requested) => result.Status switch
    {
        GetMessageStatus.Found => (ResponseCode.Success, result.NextBeginOffset),
        GetMessageStatus.NoMatchedLogicQueue or GetMessageStatus.NoMessageInQueue =>
            (requested == 0 ? ResponseCode.PullNotFound : ResponseCode.PullOffsetMoved, result.NextBeginOffset),
        GetMessageStatus.OffsetTooSmall or GetMessageStatus.OffsetOverflowBadly => (ResponseCode.PullOffsetMoved, result.NextBeginOffset),
        GetMessageStatus.OffsetOverflowOne or GetMessageStatus.OffsetFoundNull => (ResponseCode.PullNotFound, result.NextBeginOffset),
        _ => (ResponseCode.PullRetryImmediately, result.NextBeginOffset),
    };

    private static string StatusName(GetMessageStatus status) => status switch
    {
        GetMessageStatus.Found => "FOUND",
        GetMessageStatus.NoMatchedMessage => "NO_MATCHED_MESSAGE",
        GetMessageStatus.MessageWasRemoving => "MESSAGE_WAS_REMOVING",
        GetMessageStatus.OffsetFoundNull => "OFFSET_FOUND_NULL",
        GetMessageStatus.OffsetOverflowBadly => "OFFSET_OVERFLOW_BADLY",
        GetMessageStatus.OffsetOverflowOne => "OFFSET_OVERFLOW_ONE",
        GetMessageStatus.OffsetTooSmall => "OFFSET_TOO_SMALL",
        GetMessageStatus.NoMatchedLogicQueue => "NO_MATCHED_LOGIC_QUEUE",
        _ => "NO_MESSAGE_IN_QUEUE",
    };

    private TagFilter? ParseExpression(string? expression)
    {
        string key = expression ?? string.Empty;
        if (_expressions.TryGetValue(key, out TagFilter? filter))
        {
            return filter;
        }
        filter = TagFilter.Parse(key);
        if (filter is not null)
        {
            if (_expressions.Count >= MaxCachedExpressions)
            {
                _expressions.Clear();
            }
            _expressions[key] = filter;
        }
        return filter;
    }

    private static RemotingCommand Error(RemotingCommand request, int code, string remark) => RemotingCommand.CreateResponse(request, code, remark);
}
