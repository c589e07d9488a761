using System.Collections.Concurrent;
using Mq.Protocol.Body;
using Mq.Transport;

namespace Mq.Broker.Clients;

/// <summary>The live members and subscriptions of one consumer group (RocketMQ <c>ConsumerGroupInfo</c>).</summary>
internal sealed class ConsumerGroupInfo(string groupName)
{
    public string GroupName { get; } = groupName;

    public ConcurrentDictionary<RemotingConnection, ClientChannelInfo> Channels { get; } = new();

    public ConcurrentDictionary<string, SubscriptionData> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>The compiled filter of each subscribed topic (kept beside <see cref="Subscriptions"/>).</summary>
    public ConcurrentDictionary<string, TagFilter> Filters { get; } = new(StringComparer.Ordinal);

    public ConsumeType? ConsumeType { get; set; }

    public MessageModel? MessageModel { get; set; }

    public ConsumeFromWhere? ConsumeFromWhere { get; set; }

    /// <summary>Adds or refreshes a channel; true when it is new to the group.</summary>
    public bool UpdateChannel(ClientChannelInfo info)
    {
        if (Channels.TryGetValue(info.Connection, out ClientChannelInfo? existing))
        {
            existing.LastUpdateMillis = info.LastUpdateMillis;
            if (existing.ClientId == info.ClientId)
            {
                return false;
            }
        }
        Channels[info.Connection] = info;
        return true;
    }

    /// <summary>
    /// Replaces the subscriptions with the heartbeat's (RocketMQ <c>updateSubscription</c>): true when a
    /// topic was added or removed; an expression change with a newer subVersion also counts.
    /// </summary>
    public bool UpdateSubscriptions(List<SubscriptionData> subscriptions)
    {
        bool changed = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (SubscriptionData sub in subscriptions)
        {
            seen.Add(sub.Topic);
            if (!Subscriptions.TryGetValue(sub.Topic, out SubscriptionData? old))
            {
                Filters[sub.Topic] = TagFilter.From(sub);
                Subscriptions[sub.Topic] = sub;
                changed = true;
            }
            else if (sub.SubVersion > old.SubVersion)
            {
                Filters[sub.Topic] = TagFilter.From(sub);
                Subscriptions[sub.Topic] = sub;
            }
        }
        foreach (string topic in Subscriptions.Keys)
        {
            if (!seen.Contains(topic))
            {
                Subscriptions.TryRemove(topic, out _);
                Filters.TryRemove(topic, out _);
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>Client ids of every live channel.</summary>
    public List<string> ClientIds()
    {
        var ids = new List<string>(Channels.Count);
        foreach (ClientChannelInfo info in Channels.Values)
        {
            ids.Add(info.ClientId);
        }
        return ids;
    }
}
