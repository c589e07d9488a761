namespace Mq.NameServers;

public sealed partial class RouteRegistry
{
    /// <summary>
    /// Removes every broker whose last registration is older than its expiry (Java
    /// <c>RouteInfoManager.scanNotActiveBroker</c>, run every 10 s), with its queue data as for a closed
    /// connection.
    /// </summary>
    /// <returns>The removed brokers with their connections (close those, and log).</returns>
    public IReadOnlyList<RemovedBroker> ScanNotActiveBrokers()
    {
        lock (_lock)
        {
            List<RemovedBroker>? expired = null;
            foreach (KeyValuePair<string, BrokerLiveInfo> e in _brokerLiveTable)
            {
                if (_time.GetElapsedTime(e.Value.LastUpdateTimestamp) > e.Value.Timeout)
                {
                    (expired ??= []).Add(new RemovedBroker(e.Key, e.Value.Connection));
                }
            }
            if (expired is null)
            {
                return [];
            }
            foreach (RemovedBroker removed in expired)
            {
                RemoveBrokerAddressLocked(removed.BrokerAddr);
            }
            return expired;
        }
    }

    /// <summary>
    /// A connection closed (Java <c>RouteInfoManager.onChannelDestroy</c>): every broker that registered over
    /// it is removed at once, with its queue data when its broker name has no address left.
    /// </summary>
    /// <param name="connection">The key passed to <see cref="RegisterBroker"/>.</param>
    /// <returns>The removed broker addresses.</returns>
    public IReadOnlyList<string> ConnectionClosed(object connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        lock (_lock)
        {
            List<string>? gone = null;
            foreach (KeyValuePair<string, BrokerLiveInfo> e in _brokerLiveTable)
            {
                if (ReferenceEquals(e.Value.Connection, connection))
                {
                    (gone ??= []).Add(e.Key);
                }
            }
            if (gone is null)
            {
                return [];
            }
            foreach (string addr in gone)
            {
                RemoveBrokerAddressLocked(addr);
            }
            return gone;
        }
    }

    /// <summary>Number of broker addresses currently considered alive.</summary>
    public int LiveBrokerCount
    {
        get
        {
            lock (_lock)
            {
                return _brokerLiveTable.Count;
            }
        }
    }

    private void RemoveBrokerAddressLocked(string brokerAddr)
    {
        Interlocked.Increment(ref _version);
        _brokerLiveTable.Remove(brokerAddr);
        _filterServerTable.Remove(brokerAddr);

        List<string>? removedNames = null;
        foreach (KeyValuePair<string, Protocol.Body.BrokerData> e in _brokerAddrTable)
        {
            Protocol.Body.BrokerData data = e.Value;
            long? id = null;
            foreach (KeyValuePair<long, string> addr in data.BrokerAddrs)
            {
                if (addr.Value == brokerAddr)
                {
                    id = addr.Key;
                    break;
                }
            }
            if (id is { } found)
            {
                data.BrokerAddrs.Remove(found);
                if (data.BrokerAddrs.Count == 0)
                {
                    (removedNames ??= []).Add(e.Key);
                }
            }
        }
        if (removedNames is null)
        {
            return;
        }
        foreach (string name in removedNames)
        {
            _brokerAddrTable.Remove(name);
            List<string>? emptyClusters = null;
            foreach (KeyValuePair<string, HashSet<string>> cluster in _clusterAddrTable)
            {
                if (cluster.Value.Remove(name) && cluster.Value.Count == 0)
                {
                    (emptyClusters ??= []).Add(cluster.Key);
                }
            }
            if (emptyClusters is not null)
            {
                foreach (string cluster in emptyClusters)
                {
                    _clusterAddrTable.Remove(cluster);
                }
            }
            RemoveBrokerNameFromTopicsLocked(name);
        }
    }
}
