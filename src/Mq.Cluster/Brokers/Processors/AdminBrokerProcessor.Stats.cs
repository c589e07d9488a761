using System.Globalization;
using System.Text;
using Mq.Brokers.Clients;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Processors;

internal sealed partial class AdminBrokerProcessor
{
    /// <summary>GET_BROKER_RUNTIME_INFO: a KVTable of counters (a subset of RocketMQ's <c>prepareRuntimeInfo</c> keys).</summary>
    private RemotingCommand RuntimeInfo(RemotingCommand request)
    {
        var store = broker.Store;
        var table = new KVTable();
        table.Table["brokerVersionDesc"] = "V4_9_8";
        table.Table["brokerVersion"] = RemotingVersion.Current.ToString(CultureInfo.InvariantCulture);
        BrokerStats stats = broker.Stats;
        table.Table["msgPutTotalTodayNow"] = Interlocked.Read(ref stats.PutMessages).ToString(CultureInfo.InvariantCulture);
        table.Table["msgGetTotalTodayNow"] = Interlocked.Read(ref stats.GetMessages).ToString(CultureInfo.InvariantCulture);
        table.Table["msgPutTotalTodayMorning"] = stats.PutTotalTodayMorning.ToString(CultureInfo.InvariantCulture);
        table.Table["msgPutTotalYesterdayMorning"] = stats.PutTotalYesterdayMorning.ToString(CultureInfo.InvariantCulture);
        table.Table["msgGetTotalTodayMorning"] = stats.GetTotalTodayMorning.ToString(CultureInfo.InvariantCulture);
        table.Table["msgGetTotalYesterdayMorning"] = stats.GetTotalYesterdayMorning.ToString(CultureInfo.InvariantCulture);
        // mqadmin clusterList parses these for its InTPS / OutTPS columns (the first of the three windows).
        table.Table["putTps"] = stats.PutTps(broker.Time);
        table.Table["getTransferedTps"] = stats.GetTransferredTps(broker.Time);
        // Requests are handled as they are read (no executor queue), so nothing ever waits in one.
        table.Table["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
        table.Table["pullThreadPoolQueueSize"] = "0";
        table.Table["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
        table.Table["pageCacheLockTimeMills"] = store.PageCacheLockTimeMills.ToString(CultureInfo.InvariantCulture);
        double diskRatio = store.DiskUsedRatio;
        table.Table["commitLogDiskRatio"] = (double.IsNaN(diskRatio) ? 0 : diskRatio).ToString(CultureInfo.InvariantCulture);
        table.Table["runtime"] = Runtime(broker.Time.GetUtcNow().ToUnixTimeMilliseconds() - broker.BootTimestamp);
        table.Table["commitLogMinOffset"] = store.CommitLogMinOffset.ToString(CultureInfo.InvariantCulture);
        table.Table["commitLogMaxOffset"] = store.CommitLogMaxOffset.ToString(CultureInfo.InvariantCulture);
        table.Table["dispatchBehindBytes"] = (store.CommitLogMaxOffset - store.DispatchedOffset).ToString(CultureInfo.InvariantCulture);
        table.Table["earliestMessageTimeStamp"] = store.GetEarliestMessageTime().ToString(CultureInfo.InvariantCulture);
        table.Table["bootTimestamp"] = broker.BootTimestamp.ToString(CultureInfo.InvariantCulture);
        table.Table["brokerRole"] = broker.Options.BrokerRole switch
        {
            Storage.BrokerRole.SyncMaster => "SYNC_MASTER",
            Storage.BrokerRole.Slave => "SLAVE",
            _ => "ASYNC_MASTER",
        };
        table.Table["flushDiskType"] = broker.Options.FlushDiskType == Storage.FlushDiskType.SyncFlush ? "SYNC_FLUSH" : "ASYNC_FLUSH";
        table.Table["putMessageRefusal"] = store.WriteRefusal.ToString();
        table.Table["pullHoldRequests"] = broker.PullHolds.Count.ToString(CultureInfo.InvariantCulture);
        table.Table["sendThreadPoolQueueSize"] = broker.InFlightSends.ToString(CultureInfo.InvariantCulture);
        return WithBody(request, table);
    }

    /// <summary>GET_PRODUCER_CONNECTION_LIST: the producer group's live connections (RocketMQ answers SYSTEM_ERROR when there are none).</summary>
    private RemotingCommand ProducerConnections(RemotingCommand request)
    {
        string group = request.ExtFields.GetRequiredString("producerGroup"u8);
        var body = new ProducerConnection();
        foreach (ClientChannelInfo channel in broker.Producers.Channels(group))
        {
            body.ConnectionSet.Add(Connection(channel));
        }
        return body.ConnectionSet.Count == 0
            ? Error(request, ResponseCode.SystemError, $"the producer group[{group}] not exist")
            : WithBody(request, body);
    }

    /// <summary>GET_ALL_PRODUCER_INFO (4.9.x <c>ProducerManager.getProducerTable</c>): every producer channel by group.</summary>
    private RemotingCommand AllProducers(RemotingCommand request)
    {
        var body = new ProducerTableInfo();
        foreach (string group in broker.Producers.Groups)
        {
            var producers = new List<ProducerInfo>();
            foreach (ClientChannelInfo channel in broker.Producers.Channels(group))
            {
                producers.Add(new ProducerInfo
                {
                    ClientId = channel.ClientId,
                    // Java prints the channel's InetSocketAddress: "/ip:port".
                    RemoteIP = "/" + channel.Connection.RemoteAddress,
                    Language = Encoding.ASCII.GetString(LanguageCodeNames.Utf8(channel.Language)),
                    Version = channel.Version,
                    LastUpdateTimestamp = channel.LastUpdateMillis,
                });
            }
            if (producers.Count > 0)
            {
                body.Data[group] = producers;
            }
        }
        return WithBody(request, body);
    }

    /// <summary>
    /// GET_BROKER_CONFIG: the settings with RocketMQ names as <c>key=value</c> lines (Java's properties2String), and a
    /// config data version in the <c>version</c> header field. Options cannot change while the broker runs, so the
    /// version is the start time with counter 0.
    /// </summary>
    private RemotingCommand BrokerConfig(RemotingCommand request)
    {
        var text = new StringBuilder();
        foreach (KeyValuePair<string, string> property in broker.Options.RocketMqProperties())
        {
            text.Append(property.Key).Append('=').Append(property.Value).Append('\n');
        }
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.ExtFields.Add("version"u8, new DataVersion(broker.BootTimestamp, 0).Encode());
        response.SetBody(Encoding.UTF8.GetBytes(text.ToString()));
        return response;
    }

    /// <summary>VIEW_BROKER_STATS_DATA (mqadmin statsAll): one stats item over the last minute, hour and day.</summary>
    private RemotingCommand ViewStatsData(RemotingCommand request)
    {
        string name = request.ExtFields.GetRequiredString("statsName"u8);
        string key = request.ExtFields.GetRequiredString("statsKey"u8);
        return broker.StatsItems.View(name, key) is { } data
            ? WithBody(request, data)
            : Error(request, ResponseCode.SystemError, $"The stats <{name}> <{key}> not exist");
    }

    private static Connection Connection(ClientChannelInfo channel) => new()
    {
        ClientId = channel.ClientId,
        ClientAddr = channel.Connection.RemoteAddress,
        Language = Encoding.ASCII.GetString(LanguageCodeNames.Utf8(channel.Language)),
        Version = channel.Version,
    };

    /// <summary>GET_CONSUMER_RUNNING_INFO from an admin tool: asked of the consumer itself (RocketMQ <c>callConsumer</c>).</summary>
    private ValueTask<RemotingCommand?> ConsumerRunningInfoAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        var header = request.DecodeHeader<GetConsumerRunningInfoRequestHeader>();
        return AskConsumerAsync(request, header.ConsumerGroup, header.ClientId, RemotingCommand.CreateRequest(RequestCode.GetConsumerRunningInfo, header),
            cancellationToken);
    }

    /// <summary>
    /// CONSUME_MESSAGE_DIRECTLY from an admin tool: the stored message named by its offset id goes to the consumer,
    /// whose handler runs on it; its ConsumeMessageDirectlyResult is relayed (RocketMQ <c>consumeMessageDirectly</c>).
    /// </summary>
    private ValueTask<RemotingCommand?> ConsumeMessageDirectlyAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        var header = request.DecodeHeader<ConsumeMessageDirectlyResultRequestHeader>();
        header.BrokerName = broker.Options.BrokerName;
        if (header.MsgId is null || !OffsetMessageId.TryParse(header.MsgId, out _, out long offset))
        {
            return new(Error(request, ResponseCode.SystemError, $"the message id [{header.MsgId}] is not an offset message id"));
        }
        byte[] record;
        using (StoredMessage? message = broker.Store.ReadMessage(offset))
        {
            if (message is null)
            {
                return new(Error(request, ResponseCode.SystemError, "can not find message by the offset, " + offset.ToString(CultureInfo.InvariantCulture)));
            }
            record = message.Record.ToArray();
        }
        RemotingCommand ask = RemotingCommand.CreateRequest(RequestCode.ConsumeMessageDirectly, header);
        ask.SetBody(record);
        return AskConsumerAsync(request, header.ConsumerGroup, header.ClientId, ask, cancellationToken);
    }

    /// <summary>
    /// INVOKE_BROKER_TO_GET_CONSUMER_STATUS (mqadmin getConsumerStatus; RocketMQ <c>Broker2Client.getConsumeStatus</c>): every
    /// consumer of the group, or the one whose client id the <c>clientAddr</c> field names, is asked for its offsets of
    /// the topic (5 s each); the answers are collected by client id. A consumer that fails to answer is left out.
    /// </summary>
    private async ValueTask<RemotingCommand?> ConsumerStatusAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        var header = request.DecodeHeader<GetConsumerStatusRequestHeader>();
        if (broker.Consumers.Find(header.Group) is not { Channels.IsEmpty: false } info)
        {
            return Error(request, ResponseCode.SystemError, $"No Any Consumer online in the consumer group: [{header.Group}]");
        }
        var body = new GetConsumerStatusBody();
        foreach (ClientChannelInfo channel in info.Channels.Values)
        {
            if (!string.IsNullOrEmpty(header.ClientAddr) && !string.Equals(header.ClientAddr, channel.ClientId, StringComparison.Ordinal))
            {
                continue;
            }
            var ask = new GetConsumerStatusRequestHeader { Topic = header.Topic, Group = header.Group };
            try
            {
                using RemotingCommand answer = await channel.Connection.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.GetConsumerStatusFromClient, ask),
                    TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                if (answer.Code == ResponseCode.Success && !answer.Body.IsEmpty)
                {
                    body.ConsumerTable[channel.ClientId] = GetConsumerStatusBody.Decode(answer.Body.Span).MessageQueueTable;
                }
            }
            catch (Exception ex) when (ex is RemotingException or Protocol.Json.JsonBodyException)
            {
                BrokerLog.NotifyFailed(broker.Logger, channel.Connection.RemoteAddress, ex);
            }
        }
        return WithBody(request, body);
    }

    /// <summary>
    /// Sends <paramref name="ask"/> to the group's consumer <paramref name="clientId"/> over its own connection (10 s, as
    /// RocketMQ's callClient) and relays its answer; 'not online', CONSUME_MSG_TIMEOUT and SYSTEM_ERROR as 4.9.
    /// </summary>
    private async ValueTask<RemotingCommand?> AskConsumerAsync(RemotingCommand request, string group, string? clientId, RemotingCommand ask,
        CancellationToken cancellationToken)
    {
        ClientChannelInfo? channel = null;
        if (broker.Consumers.Find(group) is { } info)
        {
            foreach (ClientChannelInfo candidate in info.Channels.Values)
            {
                if (string.Equals(candidate.ClientId, clientId, StringComparison.Ordinal))
                {
                    channel = candidate;
                    break;
                }
            }
        }
        if (channel is null)
        {
            ask.Dispose();
            return Error(request, ResponseCode.SystemError, $"The Consumer <{group}> <{clientId}> not online");
        }
        try
        {
            using RemotingCommand answer = await channel.Connection.InvokeAsync(ask, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            RemotingCommand response = RemotingCommand.CreateResponse(request, answer.Code, answer.Remark);
            if (!answer.Body.IsEmpty)
            {
                response.SetBody(answer.Body.ToArray());
            }
            return response;
        }
        catch (RemotingTimeoutException ex)
        {
            return Error(request, ResponseCode.ConsumeMsgTimeout, $"consumer <{group}> <{clientId}> Timeout: {ex.Message}");
        }
        catch (RemotingException ex)
        {
            return Error(request, ResponseCode.SystemError, $"invoke consumer <{group}> <{clientId}> Exception: {ex.Message}");
        }
    }

    /// <summary>RocketMQ's uptime text: "[ 0 days, 1 hours, 2 minutes, 3 seconds ]".</summary>
    private static string Runtime(long elapsedMs)
    {
        TimeSpan up = TimeSpan.FromMilliseconds(Math.Max(0, elapsedMs));
        return string.Create(CultureInfo.InvariantCulture, $"[ {(int)up.TotalDays} days, {up.Hours} hours, {up.Minutes} minutes, {up.Seconds} seconds ]");
    }

    /// <summary>GET_TOPIC_STATS_INFO: min/max offset and last store time of every queue of a topic.</summary>
    private RemotingCommand TopicStats(RemotingCommand request)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        TopicConfig? config = broker.Topics.Find(topic);
        if (config is null)
        {
            return Error(request, ResponseCode.TopicNotExist, $"topic[{topic}] not exist");
        }
        var table = new TopicStatsTable();
        for (int queueId = 0; queueId < config.WriteQueueNums; queueId++)
        {
            long min = Math.Max(0, broker.Store.GetMinOffsetInQueue(topic, queueId));
            long max = Math.Max(0, broker.Store.GetMaxOffsetInQueue(topic, queueId));
            long last = max > 0 ? broker.Store.GetMessageStoreTimestamp(topic, queueId, max - 1) : 0;
            table.OffsetTable[new MessageQueue(topic, broker.Options.BrokerName, queueId)] = new TopicOffset { MinOffset = min, MaxOffset = max, LastUpdateTimestamp = Math.Max(0, last) };
        }
        return WithBody(request, table);
    }

    /// <summary>GET_CONSUME_STATS: broker vs consumer offset per queue for a group (one topic, or every topic it committed on).</summary>
    private RemotingCommand ConsumeStats(RemotingCommand request)
    {
        string group = request.ExtFields.GetRequiredString("consumerGroup"u8);
        string? topicFilter = request.ExtFields.GetString("topic"u8);
        var stats = new ConsumeStats();
        HashSet<string> topics = string.IsNullOrEmpty(topicFilter) ? broker.Offsets.WhichTopicByGroup(group) : [topicFilter];
        foreach (string topic in topics)
        {
            AddTopicStats(stats, group, topic, skipUnsubscribed: string.IsNullOrEmpty(topicFilter), orderOnly: false);
        }
        return WithBody(request, stats);
    }

    /// <summary>
    /// GET_BROKER_CONSUME_STATS (mqadmin brokerConsumeStats; RocketMQ <c>fetchAllConsumeStatsInBroker</c>): every
    /// subscription group's stats per topic it committed offsets on (ordered topics only with <c>isOrder</c>), and the
    /// total of messages not yet consumed.
    /// </summary>
    private RemotingCommand BrokerConsumeStats(RemotingCommand request)
    {
        bool orderOnly = request.ExtFields.GetBoolean("isOrder"u8) ?? false;
        var body = new ConsumeStatsList { BrokerAddr = broker.Address };
        foreach (string group in broker.Groups.Snapshot().SubscriptionGroupTable.Keys)
        {
            var perTopic = new List<ConsumeStats>();
            foreach (string topic in broker.Offsets.WhichTopicByGroup(group))
            {
                var stats = new ConsumeStats();
                if (AddTopicStats(stats, group, topic, skipUnsubscribed: true, orderOnly))
                {
                    foreach (OffsetWrapper offsets in stats.OffsetTable.Values)
                    {
                        body.TotalDiff += offsets.BrokerOffset - offsets.ConsumerOffset;
                    }
                    perTopic.Add(stats);
                }
            }
            body.GroupStats.Add(new Dictionary<string, List<ConsumeStats>>(StringComparer.Ordinal) { [group] = perTopic });
        }
        return WithBody(request, body);
    }

    /// <summary>
    /// Adds a group's offsets of every readable queue of <paramref name="topic"/> to <paramref name="stats"/>, and its
    /// pull rate over the last minute to the consume TPS; false when the topic is skipped (unknown, not ordered when
    /// <paramref name="orderOnly"/>, or no longer subscribed by the online group when <paramref name="skipUnsubscribed"/>).
    /// </summary>
    private bool AddTopicStats(ConsumeStats stats, string group, string topic, bool skipUnsubscribed, bool orderOnly)
    {
        TopicConfig? config = broker.Topics.Find(topic);
        if (config is null || (orderOnly && !config.Order))
        {
            return false;
        }
        if (skipUnsubscribed && broker.Consumers.FindSubscription(group, topic) is null && broker.Consumers.Find(group) is not null)
        {
            // RocketMQ skips topics the (online) group no longer subscribes to.
            return false;
        }
        for (int queueId = 0; queueId < config.ReadQueueNums; queueId++)
        {
            long brokerOffset = Math.Max(0, broker.Store.GetMaxOffsetInQueue(topic, queueId));
            long consumerOffset = Math.Max(0, broker.Offsets.Query(group, topic, queueId));
            long last = consumerOffset > 0 ? broker.Store.GetMessageStoreTimestamp(topic, queueId, consumerOffset - 1) : 0;
            stats.OffsetTable[new MessageQueue(topic, broker.Options.BrokerName, queueId)] = new OffsetWrapper
            {
                BrokerOffset = brokerOffset,
                ConsumerOffset = consumerOffset,
                LastTimestamp = Math.Max(0, last),
            };
        }
        stats.ConsumeTps += broker.StatsItems.GroupGetTps(topic, group);
        return true;
    }

    /// <summary>GET_CONSUMER_CONNECTION_LIST: channels and subscriptions of an online group; SYSTEM_ERROR when offline (RocketMQ's code 206 is only in 5.x).</summary>
    private RemotingCommand ConsumerConnections(RemotingCommand request)
    {
        string group = request.ExtFields.GetRequiredString("consumerGroup"u8);
        ConsumerGroupInfo? info = broker.Consumers.Find(group);
        if (info is null || info.Channels.IsEmpty)
        {
            return Error(request, ResponseCode.ConsumerNotOnline, $"the consumer group[{group}] not online");
        }
        var body = new ConsumerConnection
        {
            ConsumeType = info.ConsumeType,
            MessageModel = info.MessageModel,
            ConsumeFromWhere = info.ConsumeFromWhere,
        };
        foreach (ClientChannelInfo channel in info.Channels.Values)
        {
            body.ConnectionSet.Add(Connection(channel));
        }
        foreach (KeyValuePair<string, SubscriptionData> sub in info.Subscriptions)
        {
            body.SubscriptionTable[sub.Key] = sub.Value;
        }
        return WithBody(request, body);
    }

    /// <summary>QUERY_TOPIC_CONSUME_BY_WHO: groups online on the topic plus groups with committed offsets on it.</summary>
    private RemotingCommand TopicConsumeByWho(RemotingCommand request)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        var groups = new GroupList();
        foreach (ConsumerGroupInfo info in broker.Consumers.Groups)
        {
            if (info.Subscriptions.ContainsKey(topic))
            {
                groups.Groups.Add(info.GroupName);
            }
        }
        groups.Groups.UnionWith(broker.Offsets.WhichGroupByTopic(topic));
        return WithBody(request, groups);
    }

    /// <summary>
    /// INVOKE_BROKER_TO_RESET_OFFSET by timestamp (RocketMQ <c>Broker2Client.resetOffset</c>): for each queue
    /// the offset at that time (timestamp -1: the max offset), stored in the offset table (without
    /// <c>isForce</c> only when it moves the offset back), then pushed to every online consumer of the
    /// group with RESET_CONSUMER_CLIENT_OFFSET; the response body is the ResetOffsetBody.
    /// </summary>
    private async ValueTask<RemotingCommand?> ResetOffsetAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        string topic = request.ExtFields.GetRequiredString("topic"u8);
        string group = request.ExtFields.GetRequiredString("group"u8);
        long timestamp = request.ExtFields.GetRequiredInt64("timestamp"u8);
        bool isForce = request.ExtFields.GetBoolean("isForce"u8) ?? true;
        TopicConfig? config = broker.Topics.Find(topic);
        if (config is null)
        {
            return Error(request, ResponseCode.SystemError, $"[reset-offset] topic config not exist, {topic}");
        }
        var body = new ResetOffsetBody();
        for (int queueId = 0; queueId < config.WriteQueueNums; queueId++)
        {
            long consumerOffset = broker.Offsets.Query(group, topic, queueId);
            long timeOffset = timestamp == -1
                ? broker.Store.GetMaxOffsetInQueue(topic, queueId)
                : broker.Store.GetOffsetInQueueByTime(topic, queueId, timestamp);
            // Without force RocketMQ only moves offsets backwards.
            long offset = isForce || consumerOffset < 0 || timeOffset < consumerOffset ? timeOffset : consumerOffset;
            broker.Offsets.Commit(group, topic, queueId, offset);
            body.OffsetTable[new MessageQueue(topic, broker.Options.BrokerName, queueId)] = offset;
        }
        BrokerLog.OffsetReset(broker.Logger, group, topic, timestamp);
        byte[] encoded = body.Encode();
        if (broker.Consumers.Find(group) is { } info)
        {
            foreach (ClientChannelInfo channel in info.Channels.Values)
            {
                var header = new ResetOffsetRequestHeader { Topic = topic, Group = group, Timestamp = timestamp, IsForce = isForce };
                RemotingCommand notify = RemotingCommand.CreateRequest(RequestCode.ResetConsumerClientOffset, header);
                notify.SetBody(encoded);
                try
                {
                    using RemotingCommand reply = await channel.Connection.InvokeAsync(notify, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RemotingException or OperationCanceledException)
                {
                    BrokerLog.NotifyFailed(broker.Logger, channel.Connection.RemoteAddress, ex);
                }
            }
        }
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.SetBody(encoded);
        return response;
    }
}
