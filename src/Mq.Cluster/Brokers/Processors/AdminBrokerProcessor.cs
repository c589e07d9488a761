using Mq.Brokers.Topics;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Protocol.Json;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Processors;

/// <summary>
/// Topic administration and the admin/HA query subset (RocketMQ <c>AdminBrokerProcessor</c>):
/// UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER, GET_ALL_TOPIC_CONFIG, subscription-group admin,
/// GET_ALL_CONSUMER_OFFSET, and the statistics in the partial files.
/// </summary>
internal sealed partial class AdminBrokerProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server)
    {
        foreach (int code in (ReadOnlySpan<int>)[
            RequestCode.UpdateAndCreateTopic, RequestCode.DeleteTopicInBroker, RequestCode.GetAllTopicConfig,
            RequestCode.UpdateAndCreateSubscriptionGroup, RequestCode.DeleteSubscriptionGroup, RequestCode.GetAllSubscriptionGroupConfig,
            RequestCode.GetAllConsumerOffset, RequestCode.GetBrokerRuntimeInfo, RequestCode.GetTopicStatsInfo, RequestCode.GetConsumeStats,
            RequestCode.GetConsumerConnectionList, RequestCode.QueryTopicConsumeByWho, RequestCode.InvokeBrokerToResetOffset,
            RequestCode.GetProducerConnectionList, RequestCode.GetBrokerConfig, RequestCode.GetConsumerRunningInfo,
            RequestCode.ConsumeMessageDirectly, RequestCode.InvokeBrokerToGetConsumerStatus, RequestCode.ViewBrokerStatsData,
            RequestCode.GetBrokerConsumeStats, RequestCode.UpdateBrokerConfig, RequestCode.QueryConsumeTimeSpan,
            RequestCode.GetSystemTopicListFromBroker, RequestCode.CleanUnusedTopic, RequestCode.CloneGroupOffset, RequestCode.QueryCorrectionOffset,
            RequestCode.CleanExpiredConsumeQueue, RequestCode.QueryConsumeQueue, RequestCode.ResumeCheckHalfMessage,
            RequestCode.GetAllProducerInfo, RequestCode.DeleteExpiredCommitlog])
        {
            server.RegisterHandler(code, this);
        }
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        switch (request.Code)
        {
            case RequestCode.InvokeBrokerToResetOffset:
                return ResetOffsetAsync(request, cancellationToken);
            case RequestCode.GetConsumerRunningInfo:
                return ConsumerRunningInfoAsync(request, cancellationToken);
            case RequestCode.ConsumeMessageDirectly:
                return ConsumeMessageDirectlyAsync(request, cancellationToken);
            case RequestCode.InvokeBrokerToGetConsumerStatus:
                return ConsumerStatusAsync(request, cancellationToken);
            case RequestCode.DeleteTopicInBroker:
                return DeleteTopicAsync(request);
            case RequestCode.CleanUnusedTopic:
                return CleanUnusedTopicsAsync(request);
            case RequestCode.CleanExpiredConsumeQueue:
                return CleanExpiredConsumeQueuesAsync(request);
            case RequestCode.ResumeCheckHalfMessage:
                return ResumeCheckHalfMessageAsync(request, cancellationToken);
            default:
                RemotingCommand response = request.Code switch
                {
                    RequestCode.UpdateAndCreateTopic => UpdateAndCreateTopic(connection, request),
                    RequestCode.GetAllTopicConfig => WithBody(request, broker.Topics.Snapshot()),
                    RequestCode.UpdateAndCreateSubscriptionGroup => UpdateSubscriptionGroup(request),
                    RequestCode.DeleteSubscriptionGroup => DeleteSubscriptionGroup(request),
                    RequestCode.GetAllSubscriptionGroupConfig => WithBody(request, broker.Groups.Snapshot()),
                    RequestCode.GetAllConsumerOffset => WithBody(request, broker.Offsets.Snapshot()),
                    RequestCode.GetBrokerRuntimeInfo => RuntimeInfo(request),
                    RequestCode.GetTopicStatsInfo => TopicStats(request),
                    RequestCode.GetConsumeStats => ConsumeStats(request),
                    RequestCode.GetConsumerConnectionList => ConsumerConnections(request),
                    RequestCode.GetProducerConnectionList => ProducerConnections(request),
                    RequestCode.GetAllProducerInfo => AllProducers(request),
                    RequestCode.DeleteExpiredCommitlog => DeleteExpiredCommitLog(request),
                    RequestCode.GetBrokerConfig => BrokerConfig(request),
                    RequestCode.ViewBrokerStatsData => ViewStatsData(request),
                    RequestCode.GetBrokerConsumeStats => BrokerConsumeStats(request),
                    RequestCode.QueryConsumeTimeSpan => ConsumeTimeSpan(request),
                    RequestCode.GetSystemTopicListFromBroker => SystemTopics(request),
                    RequestCode.CloneGroupOffset => CloneGroupOffset(request),
                    RequestCode.QueryCorrectionOffset => CorrectionOffset(request),
                    RequestCode.QueryConsumeQueue => ConsumeQueueEntries(request),
                    // Settings are fixed once a broker runs (options or broker.conf at start): say so instead of "not supported".
                    RequestCode.UpdateBrokerConfig => Error(request, ResponseCode.SystemError,
                        "updating the broker's configuration at runtime is not allowed; change its options or broker.conf and restart it"),
                    _ => TopicConsumeByWho(request),
                };
                return new ValueTask<RemotingCommand?>(response);
        }
    }

    private static RemotingCommand WithBody(RemotingCommand request, JsonBody body)
    {
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.SetBody(body.Encode());
        return response;
    }

    /// <summary>4.9's system topic set: the reserved topics plus the trace topic this broker created (<c>traceTopicEnable</c>).</summary>
    private bool IsSystemTopic(string topic) =>
        TopicValidator.IsSystemTopic(topic) || (broker.Options.TraceTopicEnable && topic == broker.Options.MsgTraceTopicName);

    private static RemotingCommand Error(RemotingCommand request, int code, string remark) => RemotingCommand.CreateResponse(request, code, remark);

    private RemotingCommand UpdateAndCreateTopic(RemotingConnection connection, RemotingCommand request)
    {
        CreateTopicRequestHeader header = request.DecodeHeader<CreateTopicRequestHeader>();
        if (TopicValidator.Validate(header.Topic) is { } invalid)
        {
            return Error(request, ResponseCode.SystemError, invalid);
        }
        if (IsSystemTopic(header.Topic))
        {
            return Error(request, ResponseCode.SystemError, $"The topic[{header.Topic}] is conflict with system topic.");
        }
        if (header.Topic == broker.Options.BrokerClusterName)
        {
            return Error(request, ResponseCode.SystemError, $"the topic[{header.Topic}] is conflict with system reserved words.");
        }
        // No role check, as RocketMQ 4.9's updateAndCreateTopic: a slave accepts it (mqadmin -b can target a
        // slave); its next metadata copy replaces the table with the master's when their versions differ.
        if (header.ReadQueueNums is < 1 or > 1024 || header.WriteQueueNums is < 1 or > 1024 || (header.Perm & ~0xF) != 0)
        {
            return Error(request, ResponseCode.SystemError, "readQueueNums and writeQueueNums must be 1-1024 and perm a PermName combination");
        }
        TopicFilterType filterType = header.TopicFilterType == "MULTI_TAG" ? TopicFilterType.MultiTag : TopicFilterType.SingleTag;
        broker.Topics.Update(new TopicConfig
        {
            TopicName = header.Topic,
            ReadQueueNums = header.ReadQueueNums,
            WriteQueueNums = header.WriteQueueNums,
            Perm = header.Perm,
            TopicFilterType = filterType,
            TopicSysFlag = header.TopicSysFlag ?? 0,
            Order = header.Order,
        });
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private async ValueTask<RemotingCommand?> DeleteTopicAsync(RemotingCommand request)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        if (IsSystemTopic(topic))
        {
            return Error(request, ResponseCode.SystemError, $"The topic[{topic}] is conflict with system topic.");
        }
        broker.Topics.Delete(topic);
        broker.Offsets.RemoveTopic(topic);
        // As 4.9's cleanUnusedTopic: the consume queues go too, so the topic's files do not linger and a
        // topic created again under the same name starts at queue offset 0.
        await broker.Store.DeleteTopicAsync(topic).ConfigureAwait(false);
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private RemotingCommand UpdateSubscriptionGroup(RemotingCommand request)
    {
        SubscriptionGroupConfig config;
        try
        {
            config = SubscriptionGroupConfig.Decode(request.Body.Span);
        }
        catch (JsonBodyException ex)
        {
            return Error(request, ResponseCode.SystemError, "invalid body: " + ex.Message);
        }
        if (string.IsNullOrEmpty(config.GroupName))
        {
            return Error(request, ResponseCode.SystemError, "groupName is required");
        }
        broker.Groups.Update(config);
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private RemotingCommand DeleteSubscriptionGroup(RemotingCommand request)
    {
        string group = request.ExtFields.GetRequiredString("groupName"u8);
        broker.Groups.Delete(group);
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }
}
