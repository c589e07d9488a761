using System.Collections.Concurrent;
using Mq.Transport;

namespace Mq.Brokers.Clients;

/// <summary>
/// Producer groups and their channels (RocketMQ <c>ProducerManager</c>). The transaction check-back uses
/// <see cref="FindChannel"/> to reach a live producer of a group.
/// </summary>
internal sealed class ProducerManager(Broker broker)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<RemotingConnection, ClientChannelInfo>> _groups = new(StringComparer.Ordinal);
    private int _roundRobin;

    public void Register(string group, ClientChannelInfo channel)
    {
        ConcurrentDictionary<RemotingConnection, ClientChannelInfo> channels = _groups.GetOrAdd(group, static _ => new());
        if (channels.TryGetValue(channel.Connection, out ClientChannelInfo? existing) && existing.ClientId == channel.ClientId)
        {
            existing.LastUpdateMillis = channel.LastUpdateMillis;
            return;
        }
        channels[channel.Connection] = channel;
    }

    public void Unregister(string group, RemotingConnection connection)
    {
        if (_groups.TryGetValue(group, out ConcurrentDictionary<RemotingConnection, ClientChannelInfo>? channels))
        {
            channels.TryRemove(connection, out _);
            if (channels.IsEmpty)
            {
                _groups.TryRemove(new KeyValuePair<string, ConcurrentDictionary<RemotingConnection, ClientChannelInfo>>(group, channels));
            }
        }
    }

    public void OnChannelClosed(RemotingConnection connection)
    {
        foreach (string group in _groups.Keys)
        {
            Unregister(group, connection);
        }
    }

    public void ScanExpired()
    {
        long now = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        long expiry = (long)broker.Options.ChannelExpiredTimeout.TotalMilliseconds;
        foreach (KeyValuePair<string, ConcurrentDictionary<RemotingConnection, ClientChannelInfo>> group in _groups)
        {
            foreach (ClientChannelInfo channel in group.Value.Values)
            {
                if (now - channel.LastUpdateMillis > expiry)
                {
                    BrokerLog.ChannelExpired(broker.Logger, channel.Connection.RemoteAddress, TimeSpan.FromMilliseconds(now - channel.LastUpdateMillis));
                    Unregister(group.Key, channel.Connection);
                    _ = channel.Connection.CloseAsync();
                }
            }
        }
    }

    /// <summary>A live channel of <paramref name="group"/> (round-robin), or null (RocketMQ <c>getAvailableChannel</c>).</summary>
    public ClientChannelInfo? FindChannel(string group)
    {
        if (!_groups.TryGetValue(group, out ConcurrentDictionary<RemotingConnection, ClientChannelInfo>? channels))
        {
            return null;
        }
        ClientChannelInfo[] all = [.. channels.Values];
        for (int i = 0; i < all.Length; i++)
        {
            ClientChannelInfo candidate = all[(int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)all.Length)];
            if (candidate.Connection.IsConnected)
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>The live channel of the producer client <paramref name="clientId"/>, in any group, or null (request-reply's requester).</summary>
    public ClientChannelInfo? FindByClientId(string clientId)
    {
        foreach (ConcurrentDictionary<RemotingConnection, ClientChannelInfo> channels in _groups.Values)
        {
            foreach (ClientChannelInfo channel in channels.Values)
            {
                if (string.Equals(channel.ClientId, clientId, StringComparison.Ordinal) && channel.Connection.IsConnected)
                {
                    return channel;
                }
            }
        }
        return null;
    }

    /// <summary>Every channel of a group (GET_PRODUCER_CONNECTION_LIST).</summary>
    public IReadOnlyCollection<ClientChannelInfo> Channels(string group) =>
        _groups.TryGetValue(group, out ConcurrentDictionary<RemotingConnection, ClientChannelInfo>? channels) ? [.. channels.Values] : [];

    /// <summary>The producer groups with at least one channel.</summary>
    public ICollection<string> Groups => _groups.Keys;
}
