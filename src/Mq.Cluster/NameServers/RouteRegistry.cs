using Mq.Protocol.Body;

namespace Mq.NameServers;

/// <summary>
/// The NameServer's routing state (RocketMQ <c>RouteInfoManager</c>, remoting-protocol.md §7): which
/// brokers live where and which topics they host. Pure state: no I/O, time from a <see cref="TimeProvider"/>,
/// thread-safe (one lock; every operation is a few dictionary updates).
/// </summary>
/// <remarks>
/// Tables, as in Java: topic → brokerName → QueueData; brokerName → BrokerData (id → address);
/// cluster → brokerNames; brokerAddr → live info (last update, DataVersion, connection, HA address);
/// brokerAddr → filter servers. Returned objects are copies; callers may keep or mutate them.
/// </remarks>
public sealed partial class RouteRegistry
{
    /// <summary>Java's <c>MixAll.MASTER_ID</c>.</summary>
    public const long MasterId = 0;

    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _brokerExpiry;

    private readonly Dictionary<string, Dictionary<string, QueueData>> _topicQueueTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BrokerData> _brokerAddrTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _clusterAddrTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BrokerLiveInfo> _brokerLiveTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _filterServerTable = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="timeProvider">Clock for liveness.</param>
    /// <param name="brokerExpiry">A broker not re-registered for this long is removed (RocketMQ: 120 s).</param>
    public RouteRegistry(TimeProvider timeProvider, TimeSpan brokerExpiry)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(brokerExpiry, TimeSpan.Zero);
        _time = timeProvider;
        _brokerExpiry = brokerExpiry;
    }

    /// <summary>
    /// Increases whenever routing state may have changed (registration, removal, deletion, permission change).
    /// Read it before a lookup to cache what the lookup returns: a later change always bumps it.
    /// </summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>
    /// REGISTER_BROKER (Java <c>RouteInfoManager.registerBroker</c>): joins the cluster, records
    /// <c>brokerAddrs[brokerId] = brokerAddr</c> (first removing the same address under another id, so a
    /// slave promoted to master moves), upserts the QueueData of every topic in <paramref name="topicConfigs"/>
    /// when the broker is a master and its DataVersion changed (or this is its first registration), and
    /// refreshes its liveness.
    /// </summary>
    /// <param name="registration">Header values.</param>
    /// <param name="topicConfigs">The broker's topic configs and DataVersion; null registers no topics.</param>
    /// <param name="filterServerList">Filter servers; an empty list removes the broker's entry.</param>
    /// <param name="connection">
    /// Opaque key of the registering connection (compared by reference); <see cref="ConnectionClosed"/>
    /// with the same key removes the broker at once. Null: only expiry removes it.
    /// </param>
    /// <returns>For a slave whose master is registered: the master's address and HA address.</returns>
    public RegisterBrokerResult RegisterBroker(BrokerRegistration registration, TopicConfigSerializeWrapper? topicConfigs,
        IReadOnlyList<string>? filterServerList, object? connection)
    {
        ArgumentNullException.ThrowIfNull(registration);
        BrokerIdentity broker = registration.Broker;
        ArgumentException.ThrowIfNullOrEmpty(broker.ClusterName);
        ArgumentException.ThrowIfNullOrEmpty(broker.BrokerName);
        ArgumentException.ThrowIfNullOrEmpty(broker.BrokerAddr);
        long now = _time.GetTimestamp();

        lock (_lock)
        {
            Interlocked.Increment(ref _version);
            if (!_clusterAddrTable.TryGetValue(broker.ClusterName, out HashSet<string>? names))
            {
                names = new HashSet<string>(StringComparer.Ordinal);
                _clusterAddrTable.Add(broker.ClusterName, names);
            }
            names.Add(broker.BrokerName);

            bool registerFirst = false;
            if (!_brokerAddrTable.TryGetValue(broker.BrokerName, out BrokerData? brokerData))
            {
                registerFirst = true;
                brokerData = new BrokerData { Cluster = broker.ClusterName, BrokerName = broker.BrokerName };
                _brokerAddrTable.Add(broker.BrokerName, brokerData);
            }

            // Slave → master switch: drop <otherId, addr> before adding <brokerId, addr>.
            RemoveAddressUnderOtherIds(brokerData.BrokerAddrs, broker.BrokerAddr, broker.BrokerId);
            registerFirst |= !brokerData.BrokerAddrs.TryGetValue(broker.BrokerId, out string? oldAddr) || oldAddr is null;
            brokerData.BrokerAddrs[broker.BrokerId] = broker.BrokerAddr;

            if (topicConfigs is not null && broker.BrokerId == MasterId
                && (registerFirst || IsDataVersionChangedLocked(broker.BrokerAddr, topicConfigs.DataVersion)))
            {
                foreach (KeyValuePair<string, TopicConfig> e in topicConfigs.TopicConfigTable)
                {
                    // The config's own name is authoritative (as in Java); the map key covers a body without it.
                    string topic = string.IsNullOrEmpty(e.Value.TopicName) ? e.Key : e.Value.TopicName;
                    if (topic.Length > 0)
                    {
                        UpsertQueueDataLocked(broker.BrokerName, topic, e.Value);
                    }
                }
            }

            _brokerLiveTable[broker.BrokerAddr] = new BrokerLiveInfo(
                now,
                registration.HeartbeatTimeout ?? _brokerExpiry,
                topicConfigs?.DataVersion ?? default,
                connection,
                registration.HaServerAddr ?? string.Empty);

            if (filterServerList is not null)
            {
                if (filterServerList.Count == 0)
                {
                    _filterServerTable.Remove(broker.BrokerAddr);
                }
                else
                {
                    _filterServerTable[broker.BrokerAddr] = [.. filterServerList];
                }
            }

            if (broker.BrokerId != MasterId
                && brokerData.BrokerAddrs.TryGetValue(MasterId, out string? masterAddr)
                && _brokerLiveTable.TryGetValue(masterAddr, out BrokerLiveInfo? masterLive))
            {
                return new RegisterBrokerResult(masterAddr, masterLive.HaServerAddr);
            }
            return default;
        }
    }

    /// <summary>
    /// UNREGISTER_BROKER (Java <c>RouteInfoManager.unregisterBroker</c>): forgets the address; when its
    /// broker name has no address left, the name leaves its cluster and its QueueData leaves every topic.
    /// </summary>
    public void UnregisterBroker(BrokerIdentity broker)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _version);
            _brokerLiveTable.Remove(broker.BrokerAddr ?? string.Empty);
            _filterServerTable.Remove(broker.BrokerAddr ?? string.Empty);
            if (broker.BrokerName is null || !_brokerAddrTable.TryGetValue(broker.BrokerName, out BrokerData? brokerData))
            {
                return;
            }
            brokerData.BrokerAddrs.Remove(broker.BrokerId);
            if (brokerData.BrokerAddrs.Count > 0)
            {
                return;
            }
            _brokerAddrTable.Remove(broker.BrokerName);
            if (broker.ClusterName is not null && _clusterAddrTable.TryGetValue(broker.ClusterName, out HashSet<string>? names))
            {
                names.Remove(broker.BrokerName);
                if (names.Count == 0)
                {
                    _clusterAddrTable.Remove(broker.ClusterName);
                }
            }
            RemoveBrokerNameFromTopicsLocked(broker.BrokerName);
        }
    }

    /// <summary>
    /// QUERY_DATA_VERSION (Java <c>DefaultRequestProcessor.queryBrokerTopicConfig</c>): whether
    /// <paramref name="dataVersion"/> differs from the one last registered from <paramref name="brokerAddr"/>;
    /// when unchanged the broker's liveness is refreshed.
    /// </summary>
    /// <param name="brokerAddr">The asking broker.</param>
    /// <param name="dataVersion">The broker's current version.</param>
    /// <param name="stored">The version the NameServer holds, or null when the broker is unknown.</param>
    /// <returns>True when changed (or unknown).</returns>
    public bool QueryDataVersion(string brokerAddr, DataVersion dataVersion, out DataVersion? stored)
    {
        lock (_lock)
        {
            bool changed = IsDataVersionChangedLocked(brokerAddr, dataVersion);
            if (_brokerLiveTable.TryGetValue(brokerAddr, out BrokerLiveInfo? live))
            {
                if (!changed)
                {
                    live.LastUpdateTimestamp = _time.GetTimestamp();
                }
                stored = live.DataVersion;
            }
            else
            {
                stored = null;
            }
            return changed;
        }
    }

    private bool IsDataVersionChangedLocked(string brokerAddr, DataVersion dataVersion) =>
        !_brokerLiveTable.TryGetValue(brokerAddr, out BrokerLiveInfo? live) || live.DataVersion != dataVersion;

    private static void RemoveAddressUnderOtherIds(SortedDictionary<long, string> addrs, string brokerAddr, long brokerId)
    {
        long? stale = null;
        foreach (KeyValuePair<long, string> e in addrs)
        {
            if (e.Key != brokerId && e.Value == brokerAddr)
            {
                stale = e.Key;
                break;
            }
        }
        if (stale is { } id)
        {
            addrs.Remove(id);
        }
    }

    private void UpsertQueueDataLocked(string brokerName, string topic, TopicConfig config)
    {
        var queueData = new QueueData
        {
            BrokerName = brokerName,
            ReadQueueNums = config.ReadQueueNums,
            WriteQueueNums = config.WriteQueueNums,
            Perm = config.Perm,
            TopicSysFlag = config.TopicSysFlag,
        };
        if (!_topicQueueTable.TryGetValue(topic, out Dictionary<string, QueueData>? byBroker))
        {
            byBroker = new Dictionary<string, QueueData>(StringComparer.Ordinal);
            _topicQueueTable.Add(topic, byBroker);
        }
        byBroker[brokerName] = queueData;
    }

    private void RemoveBrokerNameFromTopicsLocked(string brokerName)
    {
        List<string>? emptied = null;
        foreach (KeyValuePair<string, Dictionary<string, QueueData>> e in _topicQueueTable)
        {
            if (e.Value.Remove(brokerName) && e.Value.Count == 0)
            {
                (emptied ??= []).Add(e.Key);
            }
        }
        if (emptied is not null)
        {
            foreach (string topic in emptied)
            {
                _topicQueueTable.Remove(topic);
            }
        }
    }

    /// <summary>Liveness record of one broker address (Java <c>BrokerLiveInfo</c>).</summary>
    private sealed class BrokerLiveInfo(long lastUpdateTimestamp, TimeSpan timeout, DataVersion dataVersion, object? connection, string haServerAddr)
    {
        /// <summary><see cref="TimeProvider.GetTimestamp"/> of the last registration or unchanged version query.</summary>
        public long LastUpdateTimestamp { get; set; } = lastUpdateTimestamp;

        public TimeSpan Timeout { get; } = timeout;

        public DataVersion DataVersion { get; } = dataVersion;

        public object? Connection { get; } = connection;

        public string HaServerAddr { get; } = haServerAddr;
    }
}
