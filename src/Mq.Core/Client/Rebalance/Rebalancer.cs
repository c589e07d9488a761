using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// Shares a group's queues between its consumers (RocketMQ <c>RebalanceImpl</c> + <c>RebalanceService</c>, §9.4):
/// on start, every <c>interval</c> and on request (NOTIFY_CONSUMER_IDS_CHANGED), per subscribed topic it
/// reads the subscribe queues and the group's client ids, allocates with the strategy (broadcasting: every
/// queue) and tells the <see cref="IRebalanceTarget"/> which queues to add and remove. Used by both
/// <see cref="PushConsumer"/> and <see cref="PullConsumer"/>.
/// </summary>
internal sealed class Rebalancer
{
    private readonly ConsumerBrokerApi _api;
    private readonly IRebalanceTarget _target;
    private readonly AllocateStrategy _strategy;
    private readonly bool _broadcasting;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Rebalancer(ConsumerBrokerApi api, IRebalanceTarget target, AllocateStrategy strategy, bool broadcasting, TimeSpan interval)
    {
        _api = api;
        _target = target;
        _strategy = strategy;
        _broadcasting = broadcasting;
        _interval = interval;
    }

    private ClientInstance Client => _api.Client;

    /// <summary>Asks for a rebalance now.</summary>
    public void Request()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Rebalances every interval or when requested, until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await _signal.WaitAsync(_interval, stopping).ConfigureAwait(false);
                await RebalanceAsync(stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>One rebalance of every subscribed topic; queues of topics no longer subscribed are removed.</summary>
    public async Task RebalanceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool changed = false;
            var topics = new HashSet<string>(_target.RebalanceTopics, StringComparer.Ordinal);
            foreach (string topic in topics)
            {
                try
                {
                    changed |= await RebalanceTopicAsync(topic, cancellationToken).ConfigureAwait(false);
                }
                catch (MqClientException ex)
                {
                    Client.Logger.RebalanceFailed(ex, _api.Group, topic);
                }
            }
            // Java truncateMessageQueueNotMyTopic: an unsubscribed topic's queues go.
            foreach (MessageQueue queue in _target.OwnedQueues)
            {
                if (!topics.Contains(queue.Topic))
                {
                    await _target.RemoveQueueAsync(queue).ConfigureAwait(false);
                    changed = true;
                }
            }
            if (changed)
            {
                // Java sends a heartbeat after a changed allocation so brokers see the current subscription.
                await Client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> RebalanceTopicAsync(string topic, CancellationToken cancellationToken)
    {
        TopicRouteData? route = Client.CachedRoute(topic);
        if (route is null)
        {
            Client.TrackTopic(topic);
            route = await Client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            if (route is null)
            {
                return false;
            }
            // The topic appeared after start: its brokers may not have seen this consumer yet, and would
            // answer GET_CONSUMER_LIST_BY_GROUP without it.
            await Client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
        }
        List<MessageQueue> all = ConsumerBrokerApi.SubscribeQueues(topic, route);
        List<MessageQueue> mine;
        if (_broadcasting)
        {
            mine = all;
        }
        else
        {
            List<string>? clientIds = await _api.FindConsumerIdsAsync(route, cancellationToken).ConfigureAwait(false);
            if (clientIds is null || clientIds.Count == 0)
            {
                return false;
            }
            clientIds.Sort(StringComparer.Ordinal);
            mine = QueueAllocator.Allocate(_strategy, Client.ClientId, all, clientIds);
        }
        var wanted = new HashSet<MessageQueue>(mine);
        int removed = 0;
        int added = 0;
        foreach (MessageQueue owned in _target.OwnedQueues)
        {
            if (string.Equals(owned.Topic, topic, StringComparison.Ordinal) && !wanted.Contains(owned))
            {
                await _target.RemoveQueueAsync(owned).ConfigureAwait(false);
                removed++;
            }
        }
        ICollection<MessageQueue> current = _target.OwnedQueues;
        foreach (MessageQueue queue in mine)
        {
            if (!current.Contains(queue) && await _target.AddQueueAsync(queue, cancellationToken).ConfigureAwait(false))
            {
                added++;
            }
        }
        if (added + removed > 0)
        {
            Client.Logger.RebalanceChanged(_api.Group, topic, wanted.Count, added, removed);
        }
        return added + removed > 0;
    }
}
