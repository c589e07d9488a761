using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.NameServers;

/// <summary>
/// The NameServer's request semantics (RocketMQ <c>DefaultRequestProcessor</c>) as pure functions from
/// parsed header values and body bytes to a <see cref="NameServerReply"/>. No transport types: the request
/// handlers parse headers, call one method per request code and copy the reply into the response.
/// Never throws for bad client input; malformed bodies give SYSTEM_ERROR and leave the registry unchanged.
/// Reply bodies may be shared between replies (GET_ROUTEINFO_BY_TOPIC caches them): never modify them.
/// </summary>
public sealed class NameServerCommands
{
    /// <summary>First MQVersion ordinal whose REGISTER_BROKER body is a RegisterBrokerBody (V3_0_11).</summary>
    public const int RegisterBrokerBodyMinVersion = 37;

    /// <summary>First MQVersion ordinal that gets standard-JSON routes (V4_9_4 = 401).</summary>
    public const int StandardJsonRouteMinVersion = 401;

    private readonly RouteRegistry _routes;
    private readonly KvConfigStore _kv;
    private readonly bool _orderMessageEnable;
    private RouteBodyCache _routeCache = new(-1, -1);

    /// <summary>Creates the command set over a registry and a KV store.</summary>
    /// <param name="routes">Routing state.</param>
    /// <param name="kvConfig">KV config.</param>
    /// <param name="orderMessageEnable">Fill <c>orderTopicConf</c> from ORDER_TOPIC_CONFIG (see <see cref="NameServerOptions.OrderMessageEnable"/>).</param>
    public NameServerCommands(RouteRegistry routes, KvConfigStore kvConfig, bool orderMessageEnable)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(kvConfig);
        _routes = routes;
        _kv = kvConfig;
        _orderMessageEnable = orderMessageEnable;
    }

    /// <summary>The registry the commands act on.</summary>
    public RouteRegistry Routes => _routes;

    /// <summary>The KV store the commands act on.</summary>
    public KvConfigStore KvConfig => _kv;

    /// <summary>
    /// REGISTER_BROKER (103). Body: RegisterBrokerBody (JSON, or compressed when the header says so) for
    /// request version ≥ 37, TopicConfigSerializeWrapper before; empty = no topics with DataVersion 0/0.
    /// Reply header <c>haServerAddr</c>/<c>masterAddr</c> (slaves of a registered master); body = the
    /// ORDER_TOPIC_CONFIG KVTable when that namespace exists.
    /// </summary>
    public NameServerReply RegisterBroker(BrokerRegistration registration, ReadOnlySpan<byte> body, int requestVersion, object? connection)
    {
        ArgumentNullException.ThrowIfNull(registration);
        string? missing = Missing(registration.Broker);
        if (missing is not null)
        {
            return new NameServerReply(NameServerReply.SystemError, $"the custom field <{missing}> is null");
        }
        if (registration.BodyCrc32 != 0 && Crc32Masked(body) != registration.BodyCrc32)
        {
            return new NameServerReply(NameServerReply.SystemError, "crc32 not match");
        }

        TopicConfigSerializeWrapper wrapper;
        List<string>? filterServers = null;
        try
        {
            if (body.IsEmpty)
            {
                wrapper = new TopicConfigSerializeWrapper { DataVersion = new DataVersion(0, 0) };
            }
            else if (requestVersion >= RegisterBrokerBodyMinVersion)
            {
                RegisterBrokerBody decoded = RegisterBrokerBody.Decode(body, registration.Compressed);
                wrapper = decoded.TopicConfigSerializeWrapper;
                filterServers = decoded.FilterServerList;
            }
            else
            {
                wrapper = TopicConfigSerializeWrapper.Decode(body);
            }
        }
        catch (JsonBodyException e)
        {
            return new NameServerReply(NameServerReply.SystemError, "Failed to decode RegisterBrokerBody: " + e.Message);
        }

        RegisterBrokerResult result = _routes.RegisterBroker(registration, wrapper, filterServers, connection);
        List<KeyValuePair<string, string>> ext = new(2);
        if (result.HaServerAddr is not null)
        {
            ext.Add(new("haServerAddr", result.HaServerAddr));
        }
        if (result.MasterAddr is not null)
        {
            ext.Add(new("masterAddr", result.MasterAddr));
        }
        KVTable? orderConf = _kv.GetNamespace(KvConfigStore.OrderTopicConfigNamespace);
        return new NameServerReply(NameServerReply.Success, null, orderConf?.Encode(), ext.Count == 0 ? null : ext);
    }

    /// <summary>UNREGISTER_BROKER (104): always SUCCESS.</summary>
    public NameServerReply UnregisterBroker(BrokerIdentity broker)
    {
        _routes.UnregisterBroker(broker);
        return NameServerReply.Ok;
    }

    /// <summary>
    /// GET_ROUTEINFO_BY_TOPIC (105): body TopicRouteData, numeric keys quoted for requesters of version ≥ 401
    /// or with <c>acceptStandardJsonOnly=true</c>, fastjson's bare keys otherwise (as 4.9.4+ does); 17
    /// TOPIC_NOT_EXIST for an unknown topic.
    /// </summary>
    public NameServerReply GetRouteInfoByTopic(string? topic, int requestVersion, bool acceptStandardJsonOnly)
    {
        if (string.IsNullOrEmpty(topic))
        {
            return new NameServerReply(NameServerReply.SystemError, "the custom field <topic> is null");
        }
        bool standard = requestVersion >= StandardJsonRouteMinVersion || acceptStandardJsonOnly;

        // Routes change every few seconds at most while clients ask for them constantly: serve encoded
        // bodies from a cache that is dropped whenever the registry or the KV store changes. Versions are
        // read before the lookup, so a body is never cached under a version newer than its data.
        long routesVersion = _routes.Version;
        long kvVersion = _kv.Version;
        RouteBodyCache cache = Volatile.Read(ref _routeCache);
        if (cache.RoutesVersion != routesVersion || cache.KvVersion != kvVersion)
        {
            cache = new RouteBodyCache(routesVersion, kvVersion);
            Volatile.Write(ref _routeCache, cache);
        }
        if (cache.Replies.TryGetValue((topic, standard), out NameServerReply? cached))
        {
            return cached;
        }

        TopicRouteData? route = _routes.FindRoute(topic);
        if (route is null)
        {
            return new NameServerReply(NameServerReply.TopicNotExist,
                "No topic route info in name server for the topic: " + topic
                + "\nSee http://rocketmq.apache.org/docs/faq/ for further details.");
        }
        if (_orderMessageEnable)
        {
            route.OrderTopicConf = _kv.Get(KvConfigStore.OrderTopicConfigNamespace, topic);
        }
        var reply = new NameServerReply(NameServerReply.Success, null, route.Encode(standard ? JsonKeyStyle.Quoted : JsonKeyStyle.Unquoted));
        cache.Replies.TryAdd((topic, standard), reply);
        return reply;
    }

    /// <summary>
    /// GET_BROKER_CLUSTER_INFO (106): body ClusterInfo. Deviation: broker-id keys are quoted (Java writes them
    /// bare); quoted keys parse everywhere bare ones do, and in strict JSON parsers too.
    /// </summary>
    public NameServerReply GetBrokerClusterInfo() =>
        new(NameServerReply.Success, null, _routes.GetClusterInfo().Encode(JsonKeyStyle.Quoted));

    /// <summary>GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206): body TopicList.</summary>
    public NameServerReply GetAllTopicList() => new(NameServerReply.Success, null, _routes.GetAllTopics().Encode());

    /// <summary>GET_SYSTEM_TOPIC_LIST_FROM_NS (304): cluster and broker names, and one broker's address.</summary>
    public NameServerReply GetSystemTopicList() => new(NameServerReply.Success, null, _routes.GetSystemTopics().Encode());

    /// <summary>GET_UNIT_TOPIC_LIST (311): topics with the unit flag (TopicSysFlag bit 0).</summary>
    public NameServerReply GetUnitTopicList() => new(NameServerReply.Success, null, _routes.GetTopicsBySysFlag(static f => (f & UnitFlag) != 0).Encode());

    /// <summary>GET_HAS_UNIT_SUB_TOPIC_LIST (312): topics with the unit-subscription flag (bit 1).</summary>
    public NameServerReply GetHasUnitSubTopicList() =>
        new(NameServerReply.Success, null, _routes.GetTopicsBySysFlag(static f => (f & UnitSubFlag) != 0).Encode());

    /// <summary>GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST (313): topics with the unit-subscription flag but not the unit flag.</summary>
    public NameServerReply GetHasUnitSubUnunitTopicList() =>
        new(NameServerReply.Success, null, _routes.GetTopicsBySysFlag(static f => (f & UnitFlag) == 0 && (f & UnitSubFlag) != 0).Encode());

    private const int UnitFlag = 1;
    private const int UnitSubFlag = 1 << 1;

    /// <summary>GET_TOPICS_BY_CLUSTER (224): body TopicList of the cluster's topics.</summary>
    public NameServerReply GetTopicsByCluster(string? cluster)
    {
        if (string.IsNullOrEmpty(cluster))
        {
            return new NameServerReply(NameServerReply.SystemError, "the custom field <cluster> is null");
        }
        return new NameServerReply(NameServerReply.Success, null, _routes.GetTopicsByCluster(cluster).Encode());
    }

    /// <summary>DELETE_TOPIC_IN_NAMESRV (216): SUCCESS whether or not the topic existed.</summary>
    public NameServerReply DeleteTopicInNamesrv(string? topic, string? clusterName)
    {
        if (string.IsNullOrEmpty(topic))
        {
            return new NameServerReply(NameServerReply.SystemError, "the custom field <topic> is null");
        }
        _routes.DeleteTopic(topic, clusterName);
        return NameServerReply.Ok;
    }

    /// <summary>
    /// QUERY_DATA_VERSION (322): body = the broker's DataVersion; reply header <c>changed</c>; body = the
    /// stored DataVersion when the broker is known. Unchanged refreshes the broker's liveness.
    /// </summary>
    public NameServerReply QueryDataVersion(BrokerIdentity broker, ReadOnlySpan<byte> body)
    {
        string? missing = Missing(broker);
        if (missing is not null)
        {
            return new NameServerReply(NameServerReply.SystemError, $"the custom field <{missing}> is null");
        }
        DataVersion version;
        try
        {
            version = DataVersion.Decode(body);
        }
        catch (JsonBodyException e)
        {
            return new NameServerReply(NameServerReply.SystemError, "Failed to decode DataVersion: " + e.Message);
        }
        bool changed = _routes.QueryDataVersion(broker.BrokerAddr, version, out DataVersion? stored);
        return new NameServerReply(NameServerReply.Success, null, stored?.Encode(),
            [new("changed", changed ? "true" : "false")]);
    }

    /// <summary>PUT_KV_CONFIG (100).</summary>
    public NameServerReply PutKvConfig(string? ns, string? key, string? value)
    {
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(key) || value is null)
        {
            return new NameServerReply(NameServerReply.SystemError, "namespace, key and value are required");
        }
        try
        {
            _kv.Put(ns, key, value);
        }
        catch (IOException e)
        {
            return new NameServerReply(NameServerReply.SystemError, "KV config not persisted: " + e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return new NameServerReply(NameServerReply.SystemError, "KV config not persisted: " + e.Message);
        }
        return NameServerReply.Ok;
    }

    /// <summary>GET_KV_CONFIG (101): reply header <c>value</c>; 22 QUERY_NOT_FOUND when absent.</summary>
    public NameServerReply GetKvConfig(string? ns, string? key)
    {
        string? value = ns is null || key is null ? null : _kv.Get(ns, key);
        if (value is null)
        {
            return new NameServerReply(NameServerReply.QueryNotFound, $"No config item, Namespace: {ns} Key: {key}");
        }
        return new NameServerReply(NameServerReply.Success, null, null, [new("value", value)]);
    }

    /// <summary>DELETE_KV_CONFIG (102): always SUCCESS.</summary>
    public NameServerReply DeleteKvConfig(string? ns, string? key)
    {
        if (ns is not null && key is not null)
        {
            try
            {
                _kv.Delete(ns, key);
            }
            catch (IOException e)
            {
                return new NameServerReply(NameServerReply.SystemError, "KV config not persisted: " + e.Message);
            }
            catch (UnauthorizedAccessException e)
            {
                return new NameServerReply(NameServerReply.SystemError, "KV config not persisted: " + e.Message);
            }
        }
        return NameServerReply.Ok;
    }

    /// <summary>GET_KVLIST_BY_NAMESPACE (219): body KVTable; 22 QUERY_NOT_FOUND for an unknown namespace.</summary>
    public NameServerReply GetKvListByNamespace(string? ns)
    {
        KVTable? table = ns is null ? null : _kv.GetNamespace(ns);
        if (table is null)
        {
            return new NameServerReply(NameServerReply.QueryNotFound, "No config item, Namespace: " + ns);
        }
        return new NameServerReply(NameServerReply.Success, null, table.Encode());
    }

    /// <summary>WIPE_WRITE_PERM_OF_BROKER (205): reply header <c>wipeTopicCount</c>.</summary>
    public NameServerReply WipeWritePermOfBroker(string? brokerName)
    {
        int count = string.IsNullOrEmpty(brokerName) ? 0 : _routes.WipeWritePermOfBroker(brokerName);
        return new NameServerReply(NameServerReply.Success, null, null,
            [new("wipeTopicCount", count.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>ADD_WRITE_PERM_OF_BROKER (327): reply header <c>addTopicCount</c>.</summary>
    public NameServerReply AddWritePermOfBroker(string? brokerName)
    {
        int count = string.IsNullOrEmpty(brokerName) ? 0 : _routes.AddWritePermOfBroker(brokerName);
        return new NameServerReply(NameServerReply.Success, null, null,
            [new("addTopicCount", count.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>RocketMQ's <c>UtilAll.crc32</c>: CRC-32 (IEEE) masked to a non-negative int.</summary>
    public static int Crc32Masked(ReadOnlySpan<byte> data) => (int)(Crc32.HashToUInt32(data) & 0x7FFFFFFF);

    /// <summary>Route replies (immutable, body included) valid for one registry version and one KV version.</summary>
    private sealed class RouteBodyCache(long routesVersion, long kvVersion)
    {
        public long RoutesVersion { get; } = routesVersion;

        public long KvVersion { get; } = kvVersion;

        public ConcurrentDictionary<(string Topic, bool Standard), NameServerReply> Replies { get; } = new();
    }

    private static string? Missing(BrokerIdentity broker) =>
        string.IsNullOrEmpty(broker.BrokerName) ? "brokerName"
        : string.IsNullOrEmpty(broker.BrokerAddr) ? "brokerAddr"
        : string.IsNullOrEmpty(broker.ClusterName) ? "clusterName"
        : null;
}
