using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.TestKit.NameServers;

/// <summary>
/// A broker-shaped remoting client for NameServer tests: registers over a real connection (JSON or
/// ROCKETMQ headers, JSON or compressed bodies, CRC as a 4.9 broker sends it), asks routes and sends any
/// request. One connection per NameServer address; <see cref="CloseConnectionAsync"/> drops it.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly RemotingClient _client = new(new TransportOptions { RequestTimeout = Timeout });

    /// <summary>Creates the client; nothing is connected until the first request.</summary>
    public TestBroker(string brokerName = "broker-a", string brokerAddr = "127.0.0.1:10911", long brokerId = 0, string clusterName = "DefaultCluster")
    {
        BrokerName = brokerName;
        BrokerAddr = brokerAddr;
        BrokerId = brokerId;
        ClusterName = clusterName;
    }

    /// <summary>brokerName header value.</summary>
    public string BrokerName { get; }

    /// <summary>brokerAddr header value.</summary>
    public string BrokerAddr { get; }

    /// <summary>brokerId header value.</summary>
    public long BrokerId { get; }

    /// <summary>clusterName header value.</summary>
    public string ClusterName { get; }

    /// <summary>The HA address sent on registration.</summary>
    public string HaServerAddr => BrokerAddr.Replace(":10911", ":10912", StringComparison.Ordinal);

    /// <summary>Topic configs with 8 read/write queues each, under one data version.</summary>
    public static TopicConfigSerializeWrapper Topics(DataVersion version, params string[] topics)
    {
        var wrapper = new TopicConfigSerializeWrapper { DataVersion = version };
        foreach (string topic in topics)
        {
            wrapper.TopicConfigTable[topic] = new TopicConfig { TopicName = topic, ReadQueueNums = 8, WriteQueueNums = 8 };
        }
        return wrapper;
    }

    /// <summary>
    /// REGISTER_BROKER with <paramref name="topics"/> in a RegisterBrokerBody. <paramref name="rawBody"/>
    /// replaces the encoded body; <paramref name="bodyCrc32"/> replaces the computed CRC (0 = unchecked).
    /// </summary>
    public Task<RemotingReply> RegisterAsync(string nameServer, TopicConfigSerializeWrapper topics, SerializeType serializeType = SerializeType.Json,
        bool compressed = false, byte[]? rawBody = null, int? bodyCrc32 = null)
    {
        var body = new RegisterBrokerBody { TopicConfigSerializeWrapper = topics };
        byte[] bytes = rawBody ?? (compressed ? body.EncodeCompressed() : body.Encode());
        var header = new RegisterBrokerRequestHeader
        {
            BrokerName = BrokerName,
            BrokerAddr = BrokerAddr,
            ClusterName = ClusterName,
            HaServerAddr = HaServerAddr,
            BrokerId = BrokerId,
            Compressed = compressed,
            BodyCrc32 = bodyCrc32 ?? NameServerCommands.Crc32Masked(bytes),
        };
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.RegisterBroker, header, serializeType);
        request.SetBody(bytes);
        return InvokeAsync(nameServer, request);
    }

    /// <summary>UNREGISTER_BROKER.</summary>
    public Task<RemotingReply> UnregisterAsync(string nameServer) =>
        InvokeAsync(nameServer, RemotingCommand.CreateRequest(RequestCode.UnregisterBroker,
            new UnregisterBrokerRequestHeader { BrokerName = BrokerName, BrokerAddr = BrokerAddr, ClusterName = ClusterName, BrokerId = BrokerId }));

    /// <summary>GET_ROUTEINFO_BY_TOPIC.</summary>
    public Task<RemotingReply> RouteAsync(string nameServer, string topic, SerializeType serializeType = SerializeType.Json) =>
        InvokeAsync(nameServer, RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = topic }, serializeType));

    /// <summary>Any request: header fields as strings, optional body.</summary>
    public Task<RemotingReply> SendAsync(string nameServer, int code, IReadOnlyDictionary<string, string>? fields = null, byte[]? body = null,
        SerializeType serializeType = SerializeType.Json)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(code, serializeType);
        if (fields is not null)
        {
            foreach (KeyValuePair<string, string> field in fields)
            {
                request.ExtFields.Add(field.Key, field.Value);
            }
        }
        if (body is not null)
        {
            request.SetBody(body);
        }
        return InvokeAsync(nameServer, request);
    }

    /// <summary>Closes the connection to <paramref name="nameServer"/> (the NameServer sees the channel close).</summary>
    public Task CloseConnectionAsync(string nameServer) => _client.CloseConnectionAsync(nameServer);

    /// <summary>Whether a connection to <paramref name="nameServer"/> is open.</summary>
    public bool IsConnected(string nameServer)
    {
        foreach (RemotingConnection connection in _client.Connections)
        {
            if (connection.RemoteAddress == nameServer && connection.IsConnected)
            {
                return true;
            }
        }
        return false;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task<RemotingReply> InvokeAsync(string nameServer, RemotingCommand request)
    {
        using RemotingCommand response = await _client.InvokeAsync(nameServer, request).WaitAsync(Timeout).ConfigureAwait(false);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        ExtFields ext = response.ExtFields;
        for (int i = 0; i < ext.Count; i++)
        {
            fields[System.Text.Encoding.UTF8.GetString(ext.KeyAt(i))] = System.Text.Encoding.UTF8.GetString(ext.ValueAt(i));
        }
        return new RemotingReply(response.Code, response.Remark, fields, response.Body.ToArray(), response.SerializeType);
    }
}
