using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>The writable queues of a topic (RocketMQ <c>TopicPublishInfo</c>, §9.2), derived from a route.</summary>
internal sealed class TopicPublishInfo
{
    private const int PermWrite = 2;
    private int _index = Random.Shared.Next();

    private TopicPublishInfo(List<MessageQueue> queues, TopicRouteData route)
    {
        Queues = queues;
        Route = route;
    }

    public List<MessageQueue> Queues { get; }

    public TopicRouteData Route { get; }

    /// <summary>
    /// Publish queues: QueueData sorted by broker name; those with WRITE permission and a master give
    /// queues 0..writeQueueNums-1. <paramref name="maxQueues"/> caps the count (the TBW102 fallback).
    /// </summary>
    public static TopicPublishInfo From(string topic, TopicRouteData route, int maxQueues = int.MaxValue)
    {
        var queues = new List<MessageQueue>();
        var datas = new List<QueueData>(route.QueueDatas);
        datas.Sort(static (a, b) => string.CompareOrdinal(a.BrokerName, b.BrokerName));
        foreach (QueueData data in datas)
        {
            if ((data.Perm & PermWrite) == 0 || !HasMaster(route, data.BrokerName))
            {
                continue;
            }
            int count = Math.Min(data.WriteQueueNums, maxQueues);
            for (int i = 0; i < count; i++)
            {
                queues.Add(new MessageQueue(topic, data.BrokerName, i));
            }
        }
        return new TopicPublishInfo(queues, route);
    }

    /// <summary>Round-robin, skipping the broker that just failed when another exists (Java <c>selectOneMessageQueue</c>).</summary>
    public MessageQueue? SelectQueue(string? lastBrokerName, Func<string, bool>? isAvailable = null)
    {
        int count = Queues.Count;
        if (count == 0)
        {
            return null;
        }
        for (int i = 0; i < count; i++)
        {
            MessageQueue queue = Queues[(int)((uint)Interlocked.Increment(ref _index) % (uint)count)];
            if ((lastBrokerName is null || !string.Equals(queue.BrokerName, lastBrokerName, StringComparison.Ordinal))
                && (isAvailable is null || isAvailable(queue.BrokerName)))
            {
                return queue;
            }
        }
        return null;
    }

    public MessageQueue NextQueue() => Queues[(int)((uint)Interlocked.Increment(ref _index) % (uint)Queues.Count)];

    private static bool HasMaster(TopicRouteData route, string brokerName)
    {
        foreach (BrokerData broker in route.BrokerDatas)
        {
            if (string.Equals(broker.BrokerName, brokerName, StringComparison.Ordinal))
            {
                return broker.BrokerAddrs.ContainsKey(0);
            }
        }
        return false;
    }
}
