using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

// Rebalance (RocketMQ RebalanceImpl / RebalancePushImpl, §9.4 and §10(b) step 5).
public sealed partial class PushConsumer
{
    private const int PermRead = 4;

    private async Task RebalanceLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await _rebalanceSignal.WaitAsync(Options.RebalanceInterval, stopping).ConfigureAwait(false);
                await RebalanceAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    internal async Task RebalanceAsync(CancellationToken cancellationToken)
    {
        bool changed = false;
        foreach (string topic in _subscriptions.Keys)
        {
            try
            {
                changed |= await RebalanceTopicAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (MqClientException ex)
            {
                _client.Logger.RebalanceFailed(ex, Options.ConsumerGroup, topic);
            }
        }
        if (changed)
        {
            // Java sends a heartbeat after a changed allocation so brokers see the current subscription.
            await _client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> RebalanceTopicAsync(string topic, CancellationToken cancellationToken)
    {
        TopicRouteData? route = _client.CachedRoute(topic) ?? await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        if (route is null)
        {
            return false;
        }
        List<MessageQueue> all = SubscribeQueues(topic, route);
        List<MessageQueue> mine;
        if (Options.MessageModel == ConsumerMessageModel.Broadcasting)
        {
            mine = all;
        }
        else
        {
            List<string>? clientIds = await FindConsumerIdsAsync(route, cancellationToken).ConfigureAwait(false);
            if (clientIds is null || clientIds.Count == 0)
            {
                return false;
            }
            clientIds.Sort(StringComparer.Ordinal);
            mine = QueueAllocator.Allocate(Options.AllocateStrategy, _client.ClientId, all, clientIds);
        }
        var wanted = new HashSet<MessageQueue>(mine);
        int removed = 0;
        int added = 0;
        foreach (KeyValuePair<MessageQueue, ProcessQueue> entry in _processQueues)
        {
            if (string.Equals(entry.Key.Topic, topic, StringComparison.Ordinal) && !wanted.Contains(entry.Key))
            {
                await RemoveQueueAsync(entry.Key, entry.Value).ConfigureAwait(false);
                removed++;
            }
        }
        foreach (MessageQueue queue in mine)
        {
            if (_processQueues.ContainsKey(queue))
            {
                continue;
            }
            long start;
            try
            {
                start = await ComputePullFromWhereAsync(queue, cancellationToken).ConfigureAwait(false);
            }
            catch (MqClientException ex)
            {
                _client.Logger.StartOffsetFailed(ex, queue.ToString());
                continue;
            }
            var processQueue = new ProcessQueue(queue);
            if (_processQueues.TryAdd(queue, processQueue))
            {
                _offsets[queue] = start;
                processQueue.PullLoop = Task.Run(() => PullLoopAsync(processQueue, start), CancellationToken.None);
                added++;
            }
        }
        if (added + removed > 0)
        {
            _client.Logger.RebalanceChanged(Options.ConsumerGroup, topic, wanted.Count, added, removed);
        }
        return added + removed > 0;
    }

    private async Task RemoveQueueAsync(MessageQueue queue, ProcessQueue processQueue)
    {
        await processQueue.Stop.CancelAsync().ConfigureAwait(false);
        _processQueues.TryRemove(queue, out _);
        await PersistAsync(queue, waitForAck: false, CancellationToken.None).ConfigureAwait(false);
        if (Options.MessageModel == ConsumerMessageModel.Clustering)
        {
            _offsets.TryRemove(queue, out _);
        }
    }

    // Subscribe queues: every QueueData with READ permission gives queues 0..readQueueNums-1, sorted
    // (topic, brokerName, queueId) ordinally like Java's mqAll.
    internal static List<MessageQueue> SubscribeQueues(string topic, TopicRouteData route)
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

    private async Task<List<string>?> FindConsumerIdsAsync(TopicRouteData route, CancellationToken cancellationToken)
    {
        if (route.BrokerDatas.Count == 0)
        {
            return null;
        }
        BrokerData broker = route.BrokerDatas[Random.Shared.Next(route.BrokerDatas.Count)];
        string? address = _client.FindMasterAddress(broker.BrokerName) ?? _client.FindAnyAddress(broker.BrokerName);
        if (address is null)
        {
            return null;
        }
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetConsumerListByGroup, new GetConsumerListByGroupRequestHeader { ConsumerGroup = Options.ConsumerGroup });
        using RemotingCommand response = await _client.InvokeAsync(address, request, Options.ClientApiTimeout, "GET_CONSUMER_LIST_BY_GROUP", cancellationToken).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, "GET_CONSUMER_LIST_BY_GROUP");
        }
        return GetConsumerListByGroupResponseBody.Decode(response.Body.Span).ConsumerIdList;
    }

    // RocketMQ RebalancePushImpl.computePullFromWhere (§9.4).
    private async Task<long> ComputePullFromWhereAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        long stored = Options.MessageModel == ConsumerMessageModel.Broadcasting
            ? (_offsets.TryGetValue(queue, out long local) ? local : -1)
            : await QueryBrokerOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
        if (stored >= 0)
        {
            return stored;
        }
        bool retryTopic = queue.Topic.StartsWith("%RETRY%", StringComparison.Ordinal);
        switch (Options.ConsumeFromWhere)
        {
            case ConsumeStartPoint.FirstOffset:
                return 0;
            case ConsumeStartPoint.Timestamp:
                if (retryTopic)
                {
                    return await QueryQueueOffsetAsync(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId }, queue, cancellationToken).ConfigureAwait(false);
                }
                DateTimeOffset when = Options.ConsumeTimestamp ?? _client.Time.GetUtcNow().AddMinutes(-30);
                return await QueryQueueOffsetAsync(RequestCode.SearchOffsetByTimestamp,
                    new SearchOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId, Timestamp = when.ToUnixTimeMilliseconds() }, queue, cancellationToken).ConfigureAwait(false);
            default:
                return retryTopic ? 0 : await QueryQueueOffsetAsync(RequestCode.GetMaxOffset, new GetMaxOffsetRequestHeader { Topic = queue.Topic, QueueId = queue.QueueId }, queue, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>QUERY_CONSUMER_OFFSET: the committed offset, or -1 when the broker has none (code 22).</summary>
    private async Task<long> QueryBrokerOffsetAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        string address = BrokerAddress(queue);
        var header = new QueryConsumerOffsetRequestHeader { ConsumerGroup = Options.ConsumerGroup, Topic = queue.Topic, QueueId = queue.QueueId };
        using RemotingCommand response = await _client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.QueryConsumerOffset, header),
            Options.ClientApiTimeout, "QUERY_CONSUMER_OFFSET", cancellationToken).ConfigureAwait(false);
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

    private async Task<long> QueryQueueOffsetAsync(int code, ICommandHeader header, MessageQueue queue, CancellationToken cancellationToken)
    {
        string address = BrokerAddress(queue);
        using RemotingCommand response = await _client.InvokeAsync(address, RemotingCommand.CreateRequest(code, header), Options.ClientApiTimeout, "offset query", cancellationToken).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            throw ClientErrors.FromResponse(response, address, "offset query");
        }
        // GET_MAX_OFFSET and SEARCH_OFFSET_BY_TIMESTAMP both answer a single "offset" field.
        return response.DecodeHeader<GetMaxOffsetResponseHeader>().Offset;
    }

    private string BrokerAddress(MessageQueue queue) =>
        _client.FindMasterAddress(queue.BrokerName) ?? _client.FindAnyAddress(queue.BrokerName) ?? throw ClientErrors.BrokerNotFound(queue.BrokerName);
}
