using Microsoft.Extensions.Logging;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

/// <summary>Options of an <see cref="AdminClient"/>: the NameServers and, for a cluster with ACL, the keys of an admin account.</summary>
public sealed class AdminClientOptions : ClientOptions
{
}

/// <summary>
/// The administration commands applications need most, against Mq or Apache RocketMQ clusters alike (the subset
/// of Java's <c>DefaultMQAdminExt</c> behind <c>mqadmin updateTopic</c>, <c>deleteTopic</c>, <c>topicList</c>,
/// <c>topicRoute</c>, <c>topicStatus</c>, <c>consumerProgress</c> and <c>clusterList</c>): create and delete topics
/// on every master of a cluster, list topics and clusters, and read topic offsets and consumer lag. Errors surface
/// as <see cref="MqClientException"/> with the broker's response code and remark.
/// </summary>
public sealed partial class AdminClient : IAsyncDisposable
{
    private const string AutoCreateTopicKey = "TBW102";
    private readonly ClientInstance _client;

    /// <summary>Creates the client; nothing connects until the first call.</summary>
    public AdminClient(AdminClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _client = new ClientInstance(options, loggerFactory, null);
    }

    /// <summary>Every cluster's broker names and every broker name's addresses (GET_BROKER_CLUSTER_INFO).</summary>
    public async Task<ClusterInfo> GetClusterInfoAsync(CancellationToken cancellationToken = default)
    {
        using RemotingCommand response = await NameServerAsync(RequestCode.GetBrokerClusterInfo, null, "GET_BROKER_CLUSTER_INFO", cancellationToken).ConfigureAwait(false);
        return ClusterInfo.Decode(response.Body.Span);
    }

    /// <summary>Every topic the NameServers route (GET_ALL_TOPIC_LIST_FROM_NAMESERVER).</summary>
    public async Task<IReadOnlySet<string>> GetTopicListAsync(CancellationToken cancellationToken = default)
    {
        using RemotingCommand response = await NameServerAsync(RequestCode.GetAllTopicListFromNameserver, null, "GET_ALL_TOPIC_LIST_FROM_NAMESERVER", cancellationToken)
            .ConfigureAwait(false);
        return TopicList.Decode(response.Body.Span).Topics;
    }

    /// <summary>The topic's route, or null when no NameServer knows it (GET_ROUTEINFO_BY_TOPIC).</summary>
    public Task<TopicRouteData?> GetTopicRouteAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        return _client.QueryRouteAsync(topic, cancellationToken);
    }

    /// <summary>
    /// Creates or updates <paramref name="topic"/> with <paramref name="queueNums"/> read and write queues on every
    /// master of <paramref name="clusterName"/> (<c>mqadmin updateTopic -c</c>); the brokers register it with the
    /// NameServers themselves. An <paramref name="order"/> topic also gets its ORDER_TOPIC_CONFIG entry
    /// (<c>broker-a:8;broker-b:8</c>) on every NameServer, as <c>updateTopic -o true</c> writes it, so orderly
    /// producers see its queue layout in the route.
    /// </summary>
    /// <returns>The addresses of the masters that created it.</returns>
    public async Task<IReadOnlyList<string>> CreateTopicAsync(string topic, int queueNums = 8, string clusterName = "DefaultCluster", bool order = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueNums, 1);
        List<(string BrokerName, string Address)> brokers = await ClusterMastersAsync(clusterName, cancellationToken).ConfigureAwait(false);
        var masters = new List<string>(brokers.Count);
        var orderConf = new System.Text.StringBuilder();
        foreach ((string brokerName, string master) in brokers)
        {
            masters.Add(master);
            orderConf.Append(orderConf.Length == 0 ? string.Empty : ";").Append(brokerName).Append(':').Append(queueNums);
            var header = new CreateTopicRequestHeader
            {
                Topic = topic,
                DefaultTopic = AutoCreateTopicKey,
                ReadQueueNums = queueNums,
                WriteQueueNums = queueNums,
                Perm = 6,
                TopicFilterType = "SINGLE_TAG",
                TopicSysFlag = 0,
                Order = order,
            };
            (await BrokerAsync(master, RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateTopic, header), "UPDATE_AND_CREATE_TOPIC " + topic, cancellationToken)
                .ConfigureAwait(false)).Dispose();
        }
        if (order)
        {
            foreach (string nameServer in _client.NameServers)
            {
                var header = new PutKVConfigRequestHeader { Namespace = OrderTopicConfigNamespace, Key = topic, Value = orderConf.ToString() };
                (await BrokerAsync(nameServer, RemotingCommand.CreateRequest(RequestCode.PutKVConfig, header), "PUT_KV_CONFIG " + topic, cancellationToken)
                    .ConfigureAwait(false)).Dispose();
            }
        }
        return masters;
    }

    private const string OrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

    /// <summary>
    /// Deletes <paramref name="topic"/> from every master of <paramref name="clusterName"/>, then from every NameServer
    /// with its ORDER_TOPIC_CONFIG entry (<c>mqadmin deleteTopic</c>).
    /// </summary>
    public async Task DeleteTopicAsync(string topic, string clusterName = "DefaultCluster", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        await OnEveryMasterAsync(clusterName, () =>
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.DeleteTopicInBroker);
            request.ExtFields.Add("topic"u8, topic);
            return request;
        }, "DELETE_TOPIC_IN_BROKER " + topic, cancellationToken).ConfigureAwait(false);
        foreach (string nameServer in _client.NameServers)
        {
            var header = new DeleteTopicFromNamesrvRequestHeader { Topic = topic, ClusterName = clusterName };
            (await BrokerAsync(nameServer, RemotingCommand.CreateRequest(RequestCode.DeleteTopicInNamesrv, header), "DELETE_TOPIC_IN_NAMESRV " + topic, cancellationToken)
                .ConfigureAwait(false)).Dispose();
            var kv = new DeleteKVConfigRequestHeader { Namespace = OrderTopicConfigNamespace, Key = topic };
            (await BrokerAsync(nameServer, RemotingCommand.CreateRequest(RequestCode.DeleteKVConfig, kv), "DELETE_KV_CONFIG " + topic, cancellationToken)
                .ConfigureAwait(false)).Dispose();
        }
    }

    /// <summary>Min and max offset of every queue of <paramref name="topic"/> on every broker routing it (<c>mqadmin topicStatus</c>).</summary>
    public async Task<TopicStatsTable> GetTopicStatsAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var merged = new TopicStatsTable();
        foreach (string master in await RouteMastersAsync(topic, cancellationToken).ConfigureAwait(false))
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetTopicStatsInfo);
            request.ExtFields.Add("topic"u8, topic);
            using RemotingCommand response = await BrokerAsync(master, request, "GET_TOPIC_STATS_INFO " + topic, cancellationToken).ConfigureAwait(false);
            foreach ((MessageQueue queue, TopicOffset offset) in TopicStatsTable.Decode(response.Body.Span).OffsetTable)
            {
                merged.OffsetTable[queue] = offset;
            }
        }
        return merged;
    }

    /// <summary>
    /// A consumer group's progress on every queue it consumes, optionally of one topic only (<c>mqadmin
    /// consumerProgress</c>): broker and consumer offsets per queue and the consume TPS. The group's brokers are those
    /// routing its retry topic (as Java finds them), plus those routing <paramref name="topic"/> when given.
    /// <see cref="ConsumeStatsExtensions.TotalLag"/> sums the backlog.
    /// </summary>
    public async Task<ConsumeStats> GetConsumeStatsAsync(string consumerGroup, string? topic = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        var masters = new HashSet<string>(await RouteMastersAsync("%RETRY%" + consumerGroup, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        if (topic is not null)
        {
            masters.UnionWith(await RouteMastersAsync(topic, cancellationToken).ConfigureAwait(false));
        }
        var merged = new ConsumeStats();
        foreach (string master in masters)
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetConsumeStats);
            request.ExtFields.Add("consumerGroup"u8, consumerGroup);
            if (topic is not null)
            {
                request.ExtFields.Add("topic"u8, topic);
            }
            using RemotingCommand response = await BrokerAsync(master, request, "GET_CONSUME_STATS " + consumerGroup, cancellationToken).ConfigureAwait(false);
            ConsumeStats stats = ConsumeStats.Decode(response.Body.Span);
            foreach ((MessageQueue queue, OffsetWrapper offset) in stats.OffsetTable)
            {
                merged.OffsetTable[queue] = offset;
            }
            merged.ConsumeTps += stats.ConsumeTps;
        }
        return merged;
    }

    /// <summary>
    /// The online members of <paramref name="consumerGroup"/> as a broker of the group sees them: client ids and
    /// addresses, languages and versions, subscriptions, consume type and message model (<c>mqadmin consumerConnection</c>;
    /// asked of the first master routing the group's retry topic, as Java does). Throws with CONSUMER_NOT_ONLINE when
    /// no member is connected.
    /// </summary>
    public async Task<ConsumerConnection> GetConsumerConnectionsAsync(string consumerGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        List<string> masters = await RouteMastersAsync("%RETRY%" + consumerGroup, cancellationToken).ConfigureAwait(false);
        if (masters.Count == 0)
        {
            throw new MqClientException(ResponseCode.ConsumerNotOnline, null, $"no broker routes the retry topic of group '{consumerGroup}': the group never ran");
        }
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetConsumerConnectionList);
        request.ExtFields.Add("consumerGroup"u8, consumerGroup);
        using RemotingCommand response = await BrokerAsync(masters[0], request, "GET_CONSUMER_CONNECTION_LIST " + consumerGroup, cancellationToken).ConfigureAwait(false);
        return ConsumerConnection.Decode(response.Body.Span);
    }

    /// <summary>
    /// Moves <paramref name="consumerGroup"/>'s offsets on <paramref name="topic"/> to the first message stored at or
    /// after <paramref name="timestamp"/> on every broker routing the topic (<c>mqadmin resetOffsetByTime</c>); without
    /// <paramref name="force"/> an offset only moves back. The brokers tell the group's online consumers.
    /// </summary>
    /// <returns>The new offset of every queue.</returns>
    public async Task<IReadOnlyDictionary<MessageQueue, long>> ResetOffsetByTimestampAsync(string topic, string consumerGroup, DateTimeOffset timestamp,
        bool force = true, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        var offsets = new Dictionary<MessageQueue, long>();
        foreach (string master in await RouteMastersAsync(topic, cancellationToken).ConfigureAwait(false))
        {
            var header = new ResetOffsetRequestHeader { Topic = topic, Group = consumerGroup, Timestamp = timestamp.ToUnixTimeMilliseconds(), IsForce = force };
            using RemotingCommand response = await BrokerAsync(master, RemotingCommand.CreateRequest(RequestCode.InvokeBrokerToResetOffset, header),
                "INVOKE_BROKER_TO_RESET_OFFSET " + consumerGroup, cancellationToken).ConfigureAwait(false);
            foreach ((MessageQueue queue, long offset) in ResetOffsetBody.Decode(response.Body.Span).OffsetTable)
            {
                offsets[queue] = offset;
            }
        }
        if (offsets.Count == 0)
        {
            throw new MqClientException(MqClientException.ClientErrorCode, null, $"no broker routes topic '{topic}'");
        }
        return offsets;
    }

    /// <summary>
    /// Creates or updates a consumer group's settings (retries, broadcast, consume enable, ...) on every master of
    /// <paramref name="clusterName"/> (<c>mqadmin updateSubGroup -c</c>).
    /// </summary>
    public async Task CreateSubscriptionGroupAsync(SubscriptionGroupConfig config, string clusterName = "DefaultCluster", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentException.ThrowIfNullOrEmpty(config.GroupName);
        byte[] body = config.Encode();
        await OnEveryMasterAsync(clusterName, () =>
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateSubscriptionGroup);
            request.SetBody(body);
            return request;
        }, "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP " + config.GroupName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Messages of <paramref name="topic"/> whose KEYS include <paramref name="key"/>, stored between
    /// <paramref name="begin"/> and <paramref name="end"/>, from every broker routing the topic (<c>mqadmin
    /// queryMsgByKey</c>; each broker returns at most <paramref name="maxNum"/>). Empty when none matches.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedMessage>> QueryMessagesByKeyAsync(string topic, string key, DateTimeOffset begin, DateTimeOffset end, int maxNum = 32,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return await QueryAsync(topic, key, begin.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), maxNum, uniqueKey: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The message with <paramref name="messageId"/>, or null (<c>mqadmin queryMsgById</c>): an offset message id
    /// (<see cref="SendResult.OffsetMessageId"/>) is read from the broker it names; otherwise the id is looked up as
    /// the client message id (<see cref="SendResult.MessageId"/>, UNIQ_KEY) on every broker routing <paramref name="topic"/>.
    /// </summary>
    public async Task<ReceivedMessage?> FindMessageAsync(string topic, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        // Both kinds of id are 32 hex digits; a client id read as an offset id names a port out of range (its
        // class-loader hash), which is how it is told apart before any connection is tried.
        if (Messages.OffsetMessageId.TryParse(messageId, out Messages.MessageHost storeHost, out long commitLogOffset) && storeHost.Port is > 0 and <= 65535)
        {
            try
            {
                var header = new ViewMessageRequestHeader { Offset = commitLogOffset };
                using RemotingCommand response = await _client.InvokeAsync(storeHost.ToString(), RemotingCommand.CreateRequest(RequestCode.ViewMessageById, header),
                    _client.Options.ClientApiTimeout, "VIEW_MESSAGE_BY_ID " + messageId, cancellationToken).ConfigureAwait(false);
                if (response.Code == ResponseCode.Success && !response.Body.IsEmpty)
                {
                    ReceivedMessage found = ReceivedMessage.Decode(response.Body.Span, string.Empty);
                    if (found.Topic == topic)
                    {
                        return found;
                    }
                }
            }
            catch (MqClientException) when (!cancellationToken.IsCancellationRequested)
            {
                // Not a reachable store host: Java's viewMessage falls back to the unique-key query the same way.
            }
        }
        // As Java's viewMessage falls back to queryMessageByUniqKey: the whole retention window.
        IReadOnlyList<ReceivedMessage> byUniqueKey = await QueryAsync(topic, messageId, 0, long.MaxValue, 32, uniqueKey: true, cancellationToken).ConfigureAwait(false);
        return byUniqueKey.Count > 0 ? byUniqueKey[0] : null;
    }

    private async Task<IReadOnlyList<ReceivedMessage>> QueryAsync(string topic, string key, long begin, long end, int maxNum, bool uniqueKey,
        CancellationToken cancellationToken)
    {
        var found = new List<ReceivedMessage>();
        if (await _client.QueryRouteAsync(topic, cancellationToken).ConfigureAwait(false) is not { } route)
        {
            return found;
        }
        foreach (BrokerData broker in route.BrokerDatas)
        {
            if (!broker.BrokerAddrs.TryGetValue(0, out string? master))
            {
                continue;
            }
            var header = new QueryMessageRequestHeader
            {
                Topic = topic, Key = key, MaxNum = maxNum, BeginTimestamp = begin, EndTimestamp = end, UniqueKeyQuery = uniqueKey ? true : null,
            };
            using RemotingCommand response = await _client.InvokeAsync(master, RemotingCommand.CreateRequest(RequestCode.QueryMessage, header),
                _client.Options.ClientApiTimeout, "QUERY_MESSAGE " + key, cancellationToken).ConfigureAwait(false);
            if (response.Code == ResponseCode.QueryNotFound)
            {
                continue;
            }
            if (response.Code != ResponseCode.Success)
            {
                throw ClientErrors.FromResponse(response, master, "QUERY_MESSAGE " + key);
            }
            foreach (ReceivedMessage message in ReceivedMessage.DecodeAll(response.Body.Span, broker.BrokerName, null, null))
            {
                // The index matches hashes: keep the messages whose key really is the one asked for (Java filters the same way).
                string? keys = uniqueKey ? message.Property(Messages.MessageConst.UniqueClientMessageIdKeyIndex) : message.Keys;
                if (keys is not null && Array.IndexOf(keys.Split(' '), key) >= 0)
                {
                    found.Add(message);
                }
            }
        }
        return found;
    }

    /// <summary>
    /// A broker's runtime figures by RocketMQ's names (<c>mqadmin brokerStatus</c>: putTps, getFoundTps,
    /// commitLogMaxOffset, runtime, brokerVersionDesc, ...), from the broker at <paramref name="brokerAddress"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> GetBrokerRuntimeInfoAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(brokerAddress);
        using RemotingCommand response = await BrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetBrokerRuntimeInfo),
            "GET_BROKER_RUNTIME_INFO", cancellationToken).ConfigureAwait(false);
        return KVTable.Decode(response.Body.Span).Table;
    }

    /// <summary>A broker's settings by RocketMQ's names (<c>mqadmin getBrokerConfig</c>), parsed from its <c>key=value</c> lines.</summary>
    public async Task<IReadOnlyDictionary<string, string>> GetBrokerConfigAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(brokerAddress);
        using RemotingCommand response = await BrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetBrokerConfig),
            "GET_BROKER_CONFIG", cancellationToken).ConfigureAwait(false);
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in System.Text.Encoding.UTF8.GetString(response.Body.Span).Split('\n'))
        {
            int equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                settings[line[..equals].Trim()] = line[(equals + 1)..].TrimEnd('\r');
            }
        }
        return settings;
    }

    /// <summary>Closes the connections.</summary>
    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task<List<(string BrokerName, string Address)>> ClusterMastersAsync(string clusterName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterName);
        ClusterInfo info = await GetClusterInfoAsync(cancellationToken).ConfigureAwait(false);
        var masters = new List<(string, string)>();
        if (info.ClusterAddrTable.TryGetValue(clusterName, out HashSet<string>? brokerNames))
        {
            foreach (string brokerName in brokerNames)
            {
                if (info.BrokerAddrTable.TryGetValue(brokerName, out BrokerData? broker) && broker.BrokerAddrs.TryGetValue(0, out string? master))
                {
                    masters.Add((brokerName, master));
                }
            }
        }
        if (masters.Count == 0)
        {
            throw new MqClientException(MqClientException.ClientErrorCode, null, $"no master of cluster '{clusterName}' is registered with the NameServers");
        }
        return masters;
    }

    /// <summary>Sends a request built by <paramref name="request"/> to every master of the cluster, one after the other; the first refusal throws.</summary>
    private async Task OnEveryMasterAsync(string clusterName, Func<RemotingCommand> request, string operation, CancellationToken cancellationToken)
    {
        foreach ((_, string master) in await ClusterMastersAsync(clusterName, cancellationToken).ConfigureAwait(false))
        {
            (await BrokerAsync(master, request(), operation, cancellationToken).ConfigureAwait(false)).Dispose();
        }
    }

    private async Task<List<string>> RouteMastersAsync(string topic, CancellationToken cancellationToken)
    {
        var masters = new List<string>();
        if (await _client.QueryRouteAsync(topic, cancellationToken).ConfigureAwait(false) is { } route)
        {
            foreach (BrokerData broker in route.BrokerDatas)
            {
                if (broker.BrokerAddrs.TryGetValue(0, out string? master))
                {
                    masters.Add(master);
                }
            }
        }
        return masters;
    }

    private async Task<RemotingCommand> NameServerAsync(int code, ICommandHeader? header, string operation, CancellationToken cancellationToken)
    {
        (RemotingCommand response, string address) = await _client.InvokeNameServerAsync(
            () => header is null ? RemotingCommand.CreateRequest(code) : RemotingCommand.CreateRequest(code, header), operation, cancellationToken).ConfigureAwait(false);
        return Succeeded(response, address, operation);
    }

    private async Task<RemotingCommand> BrokerAsync(string address, RemotingCommand request, string operation, CancellationToken cancellationToken)
    {
        RemotingCommand response = await _client.InvokeAsync(address, request, _client.Options.ClientApiTimeout, operation, cancellationToken).ConfigureAwait(false);
        return Succeeded(response, address, operation);
    }

    /// <summary>The response when it is SUCCESS; otherwise it is released and its code and remark thrown.</summary>
    private static RemotingCommand Succeeded(RemotingCommand response, string address, string operation)
    {
        if (response.Code == ResponseCode.Success)
        {
            return response;
        }
        MqClientException error = ClientErrors.FromResponse(response, address, operation);
        response.Dispose();
        throw error;
    }
}
