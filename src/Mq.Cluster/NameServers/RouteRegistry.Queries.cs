using Mq.Protocol.Body;

namespace Mq.NameServers;

public sealed partial class RouteRegistry
{
    /// <summary>
    /// GET_ROUTEINFO_BY_TOPIC (Java <c>RouteInfoManager.pickupTopicRouteData</c>): the QueueData of every
    /// broker name hosting the topic and the BrokerData of those names; null when either would be empty.
    /// <see cref="TopicRouteData.OrderTopicConf"/> is left null (the KV store supplies it).
    /// </summary>
    public TopicRouteData? FindRoute(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            if (!_topicQueueTable.TryGetValue(topic, out Dictionary<string, QueueData>? byBroker) || byBroker.Count == 0)
            {
                return null;
            }
            var route = new TopicRouteData();
            foreach (QueueData q in byBroker.Values)
            {
                route.QueueDatas.Add(q.Clone());
                if (_brokerAddrTable.TryGetValue(q.BrokerName, out BrokerData? brokerData))
                {
                    route.BrokerDatas.Add(brokerData.Clone());
                    foreach (string addr in brokerData.BrokerAddrs.Values)
                    {
                        if (_filterServerTable.TryGetValue(addr, out List<string>? filters))
                        {
                            route.FilterServerTable[addr] = [.. filters];
                        }
                    }
                }
            }
            return route.BrokerDatas.Count == 0 ? null : route;
        }
    }

    /// <summary>GET_BROKER_CLUSTER_INFO: every broker name's addresses and every cluster's broker names.</summary>
    public ClusterInfo GetClusterInfo()
    {
        lock (_lock)
        {
            var info = new ClusterInfo();
            foreach (KeyValuePair<string, BrokerData> e in _brokerAddrTable)
            {
                info.BrokerAddrTable[e.Key] = e.Value.Clone();
            }
            foreach (KeyValuePair<string, HashSet<string>> e in _clusterAddrTable)
            {
                info.ClusterAddrTable[e.Key] = new HashSet<string>(e.Value, StringComparer.Ordinal);
            }
            return info;
        }
    }

    /// <summary>GET_ALL_TOPIC_LIST_FROM_NAMESERVER: every topic with queue data.</summary>
    public TopicList GetAllTopics()
    {
        lock (_lock)
        {
            var list = new TopicList();
            foreach (string topic in _topicQueueTable.Keys)
            {
                list.Topics.Add(topic);
            }
            return list;
        }
    }

    /// <summary>
    /// GET_SYSTEM_TOPIC_LIST_FROM_NS (Java <c>RouteInfoManager.getSystemTopicList</c>): every cluster name and broker
    /// name (each a topic a broker creates for itself), with the address of one registered broker, so a tool can ask
    /// that broker for its own system topics.
    /// </summary>
    public TopicList GetSystemTopics()
    {
        lock (_lock)
        {
            var list = new TopicList();
            foreach (KeyValuePair<string, HashSet<string>> e in _clusterAddrTable)
            {
                list.Topics.Add(e.Key);
                list.Topics.UnionWith(e.Value);
            }
            foreach (BrokerData broker in _brokerAddrTable.Values)
            {
                foreach (string address in broker.BrokerAddrs.Values)
                {
                    list.BrokerAddr = address;
                    return list;
                }
            }
            return list;
        }
    }

    /// <summary>
    /// GET_UNIT_TOPIC_LIST / GET_HAS_UNIT_SUB_TOPIC_LIST / GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST (Java
    /// <c>topicQueueTableIter</c>): topics whose (first) queue data's topicSysFlag passes <paramref name="pick"/>.
    /// </summary>
    public TopicList GetTopicsBySysFlag(Func<int, bool> pick)
    {
        lock (_lock)
        {
            var list = new TopicList();
            foreach (KeyValuePair<string, Dictionary<string, QueueData>> e in _topicQueueTable)
            {
                foreach (QueueData queueData in e.Value.Values)
                {
                    if (pick(queueData.TopicSysFlag))
                    {
                        list.Topics.Add(e.Key);
                    }
                    // As 4.9: one broker's queue data decides.
                    break;
                }
            }
            return list;
        }
    }

    /// <summary>GET_TOPICS_BY_CLUSTER: topics with queue data on a broker name of <paramref name="clusterName"/>.</summary>
    public TopicList GetTopicsByCluster(string clusterName)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        lock (_lock)
        {
            var list = new TopicList();
            if (!_clusterAddrTable.TryGetValue(clusterName, out HashSet<string>? names))
            {
                return list;
            }
            foreach (KeyValuePair<string, Dictionary<string, QueueData>> e in _topicQueueTable)
            {
                foreach (string brokerName in e.Value.Keys)
                {
                    if (names.Contains(brokerName))
                    {
                        list.Topics.Add(e.Key);
                        break;
                    }
                }
            }
            return list;
        }
    }

    /// <summary>
    /// DELETE_TOPIC_IN_NAMESRV: removes the topic, or with <paramref name="clusterName"/> only its queue data on
    /// that cluster's broker names (the topic goes when none is left). A broker that still has the topic
    /// brings it back with its next changed registration.
    /// </summary>
    /// <returns>True when anything was removed.</returns>
    public bool DeleteTopic(string topic, string? clusterName = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        lock (_lock)
        {
            Interlocked.Increment(ref _version);
            if (string.IsNullOrEmpty(clusterName))
            {
                return _topicQueueTable.Remove(topic);
            }
            if (!_topicQueueTable.TryGetValue(topic, out Dictionary<string, QueueData>? byBroker)
                || !_clusterAddrTable.TryGetValue(clusterName, out HashSet<string>? names))
            {
                return false;
            }
            bool removed = false;
            foreach (string name in names)
            {
                removed |= byBroker.Remove(name);
            }
            if (byBroker.Count == 0)
            {
                _topicQueueTable.Remove(topic);
            }
            return removed;
        }
    }

    /// <summary>WIPE_WRITE_PERM_OF_BROKER: clears the WRITE bit of the broker name's queue data in every topic.</summary>
    /// <returns>Number of topics changed (<c>wipeTopicCount</c>).</returns>
    public int WipeWritePermOfBroker(string brokerName) => OperateWritePerm(brokerName, wipe: true);

    /// <summary>ADD_WRITE_PERM_OF_BROKER: resets the broker name's queue data in every topic to READ|WRITE, as Java does.</summary>
    /// <returns>Number of topics changed (<c>addTopicCount</c>).</returns>
    public int AddWritePermOfBroker(string brokerName) => OperateWritePerm(brokerName, wipe: false);

    private int OperateWritePerm(string brokerName, bool wipe)
    {
        ArgumentNullException.ThrowIfNull(brokerName);
        const int PermWrite = 2; // PermName.PERM_WRITE
        const int PermRead = 4; // PermName.PERM_READ
        lock (_lock)
        {
            Interlocked.Increment(ref _version);
            int count = 0;
            foreach (Dictionary<string, QueueData> byBroker in _topicQueueTable.Values)
            {
                if (byBroker.TryGetValue(brokerName, out QueueData? q))
                {
                    // Replace rather than mutate: routes handed out earlier are copies, but be safe anyway.
                    QueueData updated = q.Clone();
                    updated.Perm = wipe ? q.Perm & ~PermWrite : PermRead | PermWrite;
                    byBroker[brokerName] = updated;
                    count++;
                }
            }
            return count;
        }
    }
}
