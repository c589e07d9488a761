using System.Globalization;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// Builds a consumer's GET_CONSUMER_RUNNING_INFO answer (RocketMQ <c>MQClientInstance.consumerRunningInfo</c>): settings
/// under Java's property names, the subscriptions, each held queue's state and the per-topic figures.
/// </summary>
internal static class RunningInfoBuilder
{
    /// <summary>The client version Java tools print (MQVersion name of what we speak).</summary>
    private const string ClientVersion = "V4_9_8";

    public static ConsumerRunningInfo Create(ClientInstance client, ClientOptions options, string group, bool push, long startedMs,
        IEnumerable<SubscriptionData> subscriptions, IEnumerable<KeyValuePair<MessageQueue, ProcessQueue>> queues,
        IReadOnlyDictionary<MessageQueue, long> commitOffsets, ConsumerStatsTable stats)
    {
        var info = new ConsumerRunningInfo();
        Dictionary<string, string> properties = info.Properties;
        properties["consumerGroup"] = group;
        properties["namesrvAddr"] = string.Join(';', options.NameServerAddresses);
        properties["clientIP"] = client.ClientId[..Math.Max(0, client.ClientId.IndexOf('@', StringComparison.Ordinal))];
        properties["instanceName"] = options.InstanceName ?? "DEFAULT";
        properties["language"] = "DOTNET";
        properties[ConsumerRunningInfo.NameServerAddressProperty] = properties["namesrvAddr"];
        properties[ConsumerRunningInfo.ClientVersionProperty] = ClientVersion;
        properties[ConsumerRunningInfo.ConsumeTypeProperty] = push ? "CONSUME_PASSIVELY" : "CONSUME_ACTIVELY";
        properties[ConsumerRunningInfo.StartTimestampProperty] = startedMs.ToString(CultureInfo.InvariantCulture);
        info.SubscriptionSet.AddRange(subscriptions);
        foreach (KeyValuePair<MessageQueue, ProcessQueue> queue in queues)
        {
            long committed = commitOffsets.TryGetValue(queue.Key, out long offset) ? offset : 0;
            info.MqTable[queue.Key] = queue.Value.Info(committed, client.Time);
        }
        foreach (KeyValuePair<string, ConsumeStatus> topic in stats.Snapshot())
        {
            info.StatusTable[topic.Key] = topic.Value;
        }
        return info;
    }

    /// <summary>The offsets of <paramref name="topic"/>'s queues (GET_CONSUMER_STATUS_FROM_CLIENT; RocketMQ <c>cloneOffsetTable</c>).</summary>
    public static Dictionary<MessageQueue, long> OffsetsOf(IEnumerable<KeyValuePair<MessageQueue, long>> offsets, string topic)
    {
        var result = new Dictionary<MessageQueue, long>();
        foreach (KeyValuePair<MessageQueue, long> entry in offsets)
        {
            if (string.Equals(entry.Key.Topic, topic, StringComparison.Ordinal))
            {
                result[entry.Key] = entry.Value;
            }
        }
        return result;
    }

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Text(bool value) => value ? "true" : "false";
}
