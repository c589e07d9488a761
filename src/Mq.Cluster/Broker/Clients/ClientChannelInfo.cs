using Mq.Protocol;
using Mq.Transport;

namespace Mq.Broker.Clients;

/// <summary>A client connection known from its heartbeats (RocketMQ <c>ClientChannelInfo</c>).</summary>
internal sealed class ClientChannelInfo(RemotingConnection connection, string clientId, LanguageCode language, int version, long lastUpdateMillis)
{
    private long _lastUpdate = lastUpdateMillis;

    public RemotingConnection Connection { get; } = connection;

    public string ClientId { get; } = clientId;

    public LanguageCode Language { get; } = language;

    public int Version { get; } = version;

    /// <summary>Time of the last heartbeat, epoch ms.</summary>
    public long LastUpdateMillis
    {
        get => Volatile.Read(ref _lastUpdate);
        set => Volatile.Write(ref _lastUpdate, value);
    }
}
