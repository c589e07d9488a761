using System.Collections.Concurrent;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Broker.Clients;

/// <summary>
/// Consumer groups and their channels (RocketMQ <c>ConsumerManager</c> + <c>DefaultConsumerIdsChangeListener</c>):
/// registered by HEART_BEAT, removed by UNREGISTER_CLIENT, connection close or heartbeat expiry. When a
/// group's membership changes every member gets NOTIFY_CONSUMER_IDS_CHANGED (oneway) so it rebalances.
/// </summary>
internal sealed class ConsumerManager(Broker broker)
{
    private readonly ConcurrentDictionary<string, ConsumerGroupInfo> _groups = new(StringComparer.Ordinal);

    public ConsumerGroupInfo? Find(string group) => _groups.TryGetValue(group, out ConsumerGroupInfo? info) ? info : null;

    public ICollection<ConsumerGroupInfo> Groups => _groups.Values;

    /// <summary>The group's subscription of <paramref name="topic"/>, if a member heartbeated it.</summary>
    public SubscriptionData? FindSubscription(string group, string topic) =>
        Find(group) is { } info && info.Subscriptions.TryGetValue(topic, out SubscriptionData? sub) ? sub : null;

    /// <summary>Registers a heartbeat's consumer data; returns whether membership or subscriptions changed.</summary>
    public bool Register(ConsumerData data, ClientChannelInfo channel, bool notifyEnabled)
    {
        ConsumerGroupInfo info = _groups.GetOrAdd(data.GroupName, static g => new ConsumerGroupInfo(g));
        info.ConsumeType = data.ConsumeType;
        info.MessageModel = data.MessageModel;
        info.ConsumeFromWhere = data.ConsumeFromWhere;
        bool newChannel = info.UpdateChannel(channel);
        bool newSubscriptions = info.UpdateSubscriptions(data.SubscriptionDataSet);
        if (newChannel)
        {
            BrokerLog.ConsumerRegistered(broker.Logger, channel.ClientId, channel.Connection.RemoteAddress, data.GroupName);
        }
        if ((newChannel || newSubscriptions) && notifyEnabled)
        {
            Notify(info);
        }
        return newChannel || newSubscriptions;
    }

    /// <summary>Removes a channel from a group (UNREGISTER_CLIENT).</summary>
    public void Unregister(string group, RemotingConnection connection, bool notifyEnabled)
    {
        if (!_groups.TryGetValue(group, out ConsumerGroupInfo? info) || !info.Channels.TryRemove(connection, out ClientChannelInfo? removed))
        {
            return;
        }
        BrokerLog.ConsumerUnregistered(broker.Logger, removed.ClientId, connection.RemoteAddress, group, "unregistered");
        RemoveIfEmpty(info);
        if (notifyEnabled)
        {
            Notify(info);
        }
    }

    /// <summary>Removes a closed connection from every group (RocketMQ <c>doChannelCloseEvent</c>).</summary>
    public void OnChannelClosed(RemotingConnection connection, string reason)
    {
        foreach (ConsumerGroupInfo info in _groups.Values)
        {
            if (info.Channels.TryRemove(connection, out ClientChannelInfo? removed))
            {
                BrokerLog.ConsumerUnregistered(broker.Logger, removed.ClientId, connection.RemoteAddress, info.GroupName, reason);
                RemoveIfEmpty(info);
                if (broker.Groups.Find(info.GroupName)?.NotifyConsumerIdsChangedEnable ?? true)
                {
                    Notify(info);
                }
            }
        }
    }

    /// <summary>Drops channels whose last heartbeat is older than the channel expiry, and closes them.</summary>
    public void ScanExpired()
    {
        long now = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        long expiry = (long)broker.Options.ChannelExpiredTimeout.TotalMilliseconds;
        foreach (ConsumerGroupInfo info in _groups.Values)
        {
            foreach (ClientChannelInfo channel in info.Channels.Values)
            {
                long idle = now - channel.LastUpdateMillis;
                if (idle > expiry)
                {
                    BrokerLog.ChannelExpired(broker.Logger, channel.Connection.RemoteAddress, TimeSpan.FromMilliseconds(idle));
                    OnChannelClosed(channel.Connection, "heartbeat expired");
                    _ = channel.Connection.CloseAsync();
                }
            }
        }
    }

    private void RemoveIfEmpty(ConsumerGroupInfo info)
    {
        if (info.Channels.IsEmpty)
        {
            // Only remove the exact instance: a concurrent heartbeat may have re-added a channel.
            ((ICollection<KeyValuePair<string, ConsumerGroupInfo>>)_groups).Remove(new KeyValuePair<string, ConsumerGroupInfo>(info.GroupName, info));
        }
    }

    /// <summary>NOTIFY_CONSUMER_IDS_CHANGED (oneway) to every channel of the group (RocketMQ <c>Broker2Client.notifyConsumerIdsChanged</c>).</summary>
    private void Notify(ConsumerGroupInfo info)
    {
        foreach (RemotingConnection connection in info.Channels.Keys)
        {
            if (!connection.IsConnected)
            {
                continue;
            }
            var header = new NotifyConsumerIdsChangedRequestHeader { ConsumerGroup = info.GroupName };
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.NotifyConsumerIdsChanged, header);
            _ = SendAsync(connection, request);
        }

        async Task SendAsync(RemotingConnection connection, RemotingCommand request)
        {
            try
            {
                await connection.InvokeOnewayAsync(request).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RemotingException or OperationCanceledException or ObjectDisposedException)
            {
                BrokerLog.NotifyFailed(broker.Logger, connection.RemoteAddress, ex);
            }
        }
    }
}
