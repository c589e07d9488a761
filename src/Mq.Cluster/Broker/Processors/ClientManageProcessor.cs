using Mq.Broker.Clients;
using Mq.Broker.Topics;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Protocol.Json;
using Mq.Transport;

namespace Mq.Broker.Processors;

/// <summary>HEART_BEAT, UNREGISTER_CLIENT and CHECK_CLIENT_CONFIG (RocketMQ <c>ClientManageProcessor</c>).</summary>
internal sealed class ClientManageProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server)
    {
        server.RegisterHandler(RequestCode.HeartBeat, this);
        server.RegisterHandler(RequestCode.UnregisterClient, this);
        server.RegisterHandler(RequestCode.CheckClientConfig, this);
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        RemotingCommand response = request.Code switch
        {
            RequestCode.HeartBeat => HeartBeat(connection, request),
            RequestCode.UnregisterClient => UnregisterClient(connection, request),
            _ => CheckClientConfig(request),
        };
        return new ValueTask<RemotingCommand?>(response);
    }

    private RemotingCommand HeartBeat(RemotingConnection connection, RemotingCommand request)
    {
        HeartbeatData data;
        try
        {
            data = HeartbeatData.Decode(request.Body.Span);
        }
        catch (JsonBodyException ex)
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "invalid heartbeat body: " + ex.Message);
        }
        long now = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var channel = new ClientChannelInfo(connection, data.ClientId, request.Language, request.Version, now);
        foreach (ConsumerData consumer in data.ConsumerDataSet)
        {
            if (string.IsNullOrEmpty(consumer.GroupName))
            {
                continue;
            }
            SubscriptionGroupConfig? group = broker.Groups.FindOrCreate(consumer.GroupName);
            bool notify = true;
            if (group is not null)
            {
                notify = group.NotifyConsumerIdsChangedEnable;
                if (group.RetryQueueNums > 0)
                {
                    broker.Topics.CreateTopicIfAbsent(TopicValidator.RetryTopic(consumer.GroupName), group.RetryQueueNums, PermName.Read | PermName.Write);
                }
            }
            broker.Consumers.Register(consumer, channel, notify);
        }
        foreach (ProducerData producer in data.ProducerDataSet)
        {
            if (!string.IsNullOrEmpty(producer.GroupName))
            {
                broker.Producers.Register(producer.GroupName, new ClientChannelInfo(connection, data.ClientId, request.Language, request.Version, now));
            }
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private RemotingCommand UnregisterClient(RemotingConnection connection, RemotingCommand request)
    {
        UnregisterClientRequestHeader header = request.DecodeHeader<UnregisterClientRequestHeader>();
        if (!string.IsNullOrEmpty(header.ProducerGroup))
        {
            broker.Producers.Unregister(header.ProducerGroup, connection);
        }
        if (!string.IsNullOrEmpty(header.ConsumerGroup))
        {
            bool notify = broker.Groups.Find(header.ConsumerGroup)?.NotifyConsumerIdsChangedEnable ?? true;
            broker.Consumers.Unregister(header.ConsumerGroup, connection, notify);
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    /// <summary>Only TAG expressions are supported: SQL92 subscriptions are refused here, before the consumer starts.</summary>
    private static RemotingCommand CheckClientConfig(RemotingCommand request)
    {
        CheckClientRequestBody body;
        try
        {
            body = CheckClientRequestBody.Decode(request.Body.Span);
        }
        catch (JsonBodyException ex)
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "invalid body: " + ex.Message);
        }
        SubscriptionData? sub = body.SubscriptionData;
        if (sub is null || string.IsNullOrEmpty(sub.ExpressionType) || sub.ExpressionType == "TAG")
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.Success);
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "The broker does not support consumer to filter message by " + sub.ExpressionType);
    }
}
