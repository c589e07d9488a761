using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

/// <summary>
/// The broker requests both consumers make for their group (RocketMQ <c>PullAPIWrapper</c> plus the consumer
/// half of <c>MQClientAPIImpl</c>/<c>MQAdminImpl</c>): pulls, consumer offsets, queue offsets, group members,
/// and the start offset of a newly owned queue. Broker faults are thrown as <see cref="MqClientException"/>.
/// </summary>
internal sealed class ConsumerBrokerApi(ClientInstance client, string group)
{
    private const int PermRead = 4;

    public ClientInstance Client { get; } = client;

    public string Group { get; } = group;

    /// <summary>Topics and repeating property strings of pulled messages, allocated once instead of per message.</summary>
    private readonly Protocol.Utf8StringCache _pulledStrings = new(256);

    /// <summary>The address requests about <paramref name="queue"/> go to: its master, else any address of the broker.</summary>
    public string BrokerAddress(MessageQueue queue) =>
        Client.FindMasterAddress(queue.BrokerName) ?? Client.FindAnyAddress(queue.BrokerName) ?? throw ClientErrors.BrokerNotFound(queue.BrokerName);

    /// <summary>
    /// PULL_MESSAGE (§6): answers FOUND (messages decoded, retried ones under their original topic when
    /// <paramref name="retryGroupTopic"/> is the group's retry topic; not yet tag-filtered), NO_NEW_MSG, NO_MATCHED_MSG or
    /// OFFSET_MOVED with the broker's offsets; any other answer is thrown. <paramref name="address"/> is the node
    /// to pull from (<see cref="ClientInstance.FindSubscribeAddress"/>: a slave when the master suggested one).
    /// </summary>
    public async Task<PullResult> PullAsync(string address, string brokerName, PullMessageRequestHeader header, string? retryGroupTopic, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using RemotingCommand response = await Client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.PullMessage, header),
            timeout, "PULL_MESSAGE", cancellationToken).ConfigureAwait(false);
        switch (response.Code)
        {
            case ResponseCode.Success:
            case ResponseCode.PullNotFound:
            case ResponseCode.PullRetryImmediately:
            case ResponseCode.PullOffsetMoved:
            {
                var result = response.DecodeHeader<PullMessageResponseHeader>();
                List<ReceivedMessage>? messages = response.Code == ResponseCode.Success
                    ? ReceivedMessage.DecodeAll(response.Body.Span, brokerName, retryGroupTopic, _pulledStrings)
                    : null;
                return new PullResult(response.Code, result.NextBeginOffset, result.MinOffset, result.MaxOffset, result.SuggestWhichBrokerId, messages);
            }
            default:
                throw ClientErrors.FromResponse(response, address, "PULL_MESSAGE");
        }
    }

    /// <summary>QUERY_CONSUMER_OFFSET: the committed offset, or -1 when the broker has none (code 22).</summary>
    public async Task<long> QueryCommittedOffsetAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        string address = BrokerAddress(queue);
        var header = new QueryConsumerOffsetRequestHeader { ConsumerGroup = Group, Topic = queue.Topic, QueueId = queue.QueueId };
        using RemotingCommand response = await Client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.QueryConsumerOffset, header),
            Client.Options.ClientApiTimeout, "QUERY_CONSUMER_OFFSET", cancellationToken).ConfigureAwait(false);
        if (response.Code == ResponseCode.QueryNotFound)
        {
            return -1;
        }
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, "QUERY_CONSUMER_OFFSET");
        }
        return response.DecodeHeader<QueryConsumerOffsetResponseHeader>().Offset ?? -1;
    }

    /// <summary>
    /// UPDATE_CONSUMER_OFFSET to the queue's master (any address when there is none), acknowledged or oneway.
    /// Returns false when the broker is unknown or (oneway) could not be reached; throws on a refusal.
    /// </summary>
    public async Task<bool> UpdateCommittedOffsetAsync(MessageQueue queue, long offset, bool waitForAck, CancellationToken cancellationToken)
    {
        string? address = Client.FindMasterAddress(queue.BrokerName) ?? Client.FindAnyAddress(queue.BrokerName);
        if (address is null)
        {
            return false;
        }
        var header = new UpdateConsumerOffsetRequestHeader { ConsumerGroup = Group, Topic = queue.Topic, QueueId = queue.QueueId, CommitOffset = offset };
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.UpdateConsumerOffset, header);
        if (!waitForAck)
        {
            return await Client.InvokeOnewayAsync(address, request, cancellationToken).ConfigureAwait(false);
        }
        using RemotingCommand response = await Client.InvokeAsync(address, request, Client.Options.ClientApiTimeout, "UPDATE_CONSUMER_OFFSET", cancellationToken).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, "UPDATE_CONSUMER_OFFSET");
        }
        return true;
    }

    /// <summary>GET_MAX_OFFSET: one past the last message of the queue.</summary>
    public Task<long> QueryMaxOffsetAsync(MessageQueue queue, CancellationToken cancellationToken) =>
        QueryQueueOffsetAsync(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId }, queue, "GET_MAX_OFFSET", cancellationToken);

    /// <summary>GET_MIN_OFFSET: the first offset still stored.</summary>
    public Task<long> QueryMinOffsetAsync(MessageQueue queue, CancellationToken cancellationToken) =>
        QueryQueueOffsetAsync(RequestCode.GetMinOffset, new GetMinOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId }, queue, "GET_MIN_OFFSET", cancellationToken);

    /// <summary>SEARCH_OFFSET_BY_TIMESTAMP: the first offset stored at or after <paramref name="timestamp"/>.</summary>
    public Task<long> SearchOffsetAsync(MessageQueue queue, DateTimeOffset timestamp, CancellationToken cancellationToken) =>
        QueryQueueOffsetAsync(RequestCode.SearchOffsetByTimestamp,
            new SearchOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, Timestamp = timestamp.ToUnixTimeMilliseconds() }, queue, "SEARCH_OFFSET_BY_TIMESTAMP", cancellationToken);

    /// <summary>
    /// Where a newly owned queue starts (RocketMQ <c>RebalancePushImpl/RebalanceLitePullImpl.computePullFromWhere</c>,
    /// §9.4): <paramref name="stored"/> when it is a committed offset (&gt;= 0), else per <paramref name="startPoint"/>.
    /// </summary>
    public async Task<long> ComputeStartOffsetAsync(MessageQueue queue, long stored, ConsumeStartPoint startPoint, DateTimeOffset? timestamp, CancellationToken cancellationToken)
    {
        if (stored >= 0)
        {
            return stored;
        }
        bool retryTopic = queue.Topic.StartsWith("%RETRY%", StringComparison.Ordinal);
        switch (startPoint)
        {
            case ConsumeStartPoint.FirstOffset:
                return 0;
            case ConsumeStartPoint.Timestamp:
                if (retryTopic)
                {
                    return await QueryMaxOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
                }
                return await SearchOffsetAsync(queue, timestamp ?? Client.Time.GetUtcNow().AddMinutes(-30), cancellationToken).ConfigureAwait(false);
            default:
                return retryTopic ? 0 : await QueryMaxOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>GET_CONSUMER_LIST_BY_GROUP at a random broker of the topic (master preferred); null when there is none.</summary>
    public async Task<List<string>?> FindConsumerIdsAsync(TopicRouteData route, CancellationToken cancellationToken)
    {
        if (route.BrokerDatas.Count == 0)
        {
            return null;
        }
        BrokerData broker = route.BrokerDatas[Random.Shared.Next(route.BrokerDatas.Count)];
        string? address = Client.FindMasterAddress(broker.BrokerName) ?? Client.FindAnyAddress(broker.BrokerName);
        if (address is null)
        {
            return null;
        }
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetConsumerListByGroup, new GetConsumerListByGroupRequestHeader { ConsumerGroup = Group });
        using RemotingCommand response = await Client.InvokeAsync(address, request, Client.Options.ClientApiTimeout, "GET_CONSUMER_LIST_BY_GROUP", cancellationToken).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, "GET_CONSUMER_LIST_BY_GROUP");
        }
        return GetConsumerListByGroupResponseBody.Decode(response.Body.Span).ConsumerIdList;
    }

    /// <summary>
    /// Subscribe queues: every QueueData with READ permission gives queues 0..readQueueNums-1, sorted
    /// (topic, brokerName, queueId) ordinally like Java's mqAll.
    /// </summary>
    public static List<MessageQueue> SubscribeQueues(string topic, TopicRouteData route)
    {
        var queues = new List<MessageQueue>();
        foreach (QueueData data in route.QueueDatas)
        {
            if ((data.Perm & PermRead) == 0)
            {
                continue;
            }
            for (int i = 0; i < data.ReadQueueNums; i++)
            {
                queues.Add(new MessageQueue(topic, data.BrokerName, i));
            }
        }
        queues.Sort();
        return queues;
    }

    private async Task<long> QueryQueueOffsetAsync(int code, ICommandHeader header, MessageQueue queue, string operation, CancellationToken cancellationToken)
    {
        string address = BrokerAddress(queue);
        using RemotingCommand response = await Client.InvokeAsync(address, RemotingCommand.CreateRequest(code, header), Client.Options.ClientApiTimeout, operation, cancellationToken).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, operation);
        }
        // GET_MAX_OFFSET, GET_MIN_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP all answer a single "offset" field.
        return response.DecodeHeader<GetMaxOffsetResponseHeader>().Offset;
    }
}
