using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.TestKit.Brokers;

/// <summary>
/// A raw remoting client for broker tests: sends typed requests to one broker address and decodes the
/// stored records of pull/query/view responses. Each instance owns one connection pool (one client id).
/// </summary>
public sealed class BrokerTestClient : IAsyncDisposable
{
    private readonly RemotingClient _client;

    public BrokerTestClient(string address, string clientId = "127.0.0.1@test")
    {
        Address = address;
        ClientId = clientId;
        _client = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
    }

    public string Address { get; }

    public string ClientId { get; }

    /// <summary>Broker-to-client requests received (NOTIFY_CONSUMER_IDS_CHANGED, RESET_CONSUMER_CLIENT_OFFSET...).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(int Code, Dictionary<string, string?> Fields)> Callbacks { get; } = new();

    /// <summary>Signalled on every callback.</summary>
    public SemaphoreSlim CallbackSignal { get; } = new(0);

    internal RemotingClient Client => _client;

    /// <summary>Answers broker callbacks with SUCCESS and records them.</summary>
    public void RecordCallbacks(params int[] codes)
    {
        foreach (int code in codes)
        {
            _client.RegisterHandler(code, (connection, request, _) =>
            {
                var fields = new Dictionary<string, string?>();
                for (int i = 0; i < request.ExtFields.Count; i++)
                {
                    fields[Encoding.UTF8.GetString(request.ExtFields.KeyAt(i))] = Encoding.UTF8.GetString(request.ExtFields.ValueAt(i));
                }
                Callbacks.Enqueue((request.Code, fields));
                CallbackSignal.Release();
                return new ValueTask<RemotingCommand?>(request.IsOneway ? null : RemotingCommand.CreateResponse(request, ResponseCode.Success));
            });
        }
    }

    /// <summary>Sends a request with the given extFields and body; the caller disposes the response.</summary>
    internal Task<RemotingCommand> InvokeAsync(int code, IEnumerable<KeyValuePair<string, string?>>? fields = null, byte[]? body = null,
        SerializeType serializeType = SerializeType.Json, TimeSpan? timeout = null)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(code, serializeType);
        if (fields is not null)
        {
            foreach (KeyValuePair<string, string?> field in fields)
            {
                request.ExtFields.Add(field.Key, field.Value);
            }
        }
        if (body is not null)
        {
            request.SetBody(body);
        }
        return _client.InvokeAsync(Address, request, timeout);
    }

    internal Task<RemotingCommand> InvokeAsync(int code, ICommandHeader header, byte[]? body = null, TimeSpan? timeout = null)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(code, header);
        if (body is not null)
        {
            request.SetBody(body);
        }
        return _client.InvokeAsync(Address, request, timeout);
    }

    internal ValueTask InvokeOnewayAsync(int code, ICommandHeader header)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(code, header);
        return _client.InvokeOnewayAsync(Address, request);
    }

    /// <summary>SEND_MESSAGE_V2 (or SEND_MESSAGE with V1 keys when <paramref name="v1"/>).</summary>
    internal Task<RemotingCommand> SendAsync(string topic, byte[] body, string? properties = null, int queueId = 0, bool v1 = false,
        int reconsumeTimes = 0, int? maxReconsumeTimes = null, string producerGroup = "PG", int defaultTopicQueueNums = 4)
    {
        var header = new SendMessageRequestHeader
        {
            ProducerGroup = producerGroup,
            Topic = topic,
            DefaultTopic = "TBW102",
            DefaultTopicQueueNums = defaultTopicQueueNums,
            QueueId = queueId,
            SysFlag = 0,
            BornTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Flag = 0,
            Properties = properties is null ? default : Encoding.UTF8.GetBytes(properties),
            ReconsumeTimes = reconsumeTimes,
            UnitMode = false,
            MaxReconsumeTimes = maxReconsumeTimes,
        };
        RemotingCommand request;
        if (v1)
        {
            request = RemotingCommand.CreateRequest(RequestCode.SendMessage, header);
        }
        else
        {
            request = RemotingCommand.CreateRequest(RequestCode.SendMessageV2, SendMessageRequestHeaderV2.FromV1(header));
        }
        request.SetBody(body);
        return _client.InvokeAsync(Address, request);
    }

    /// <summary>Builds a properties string from pairs (§4.3).</summary>
    public static string Properties(params (string Key, string Value)[] pairs)
    {
        var builder = new StringBuilder();
        foreach ((string key, string value) in pairs)
        {
            builder.Append(key).Append('\u0001').Append(value).Append('\u0002');
        }
        return builder.ToString();
    }

    /// <summary>PULL_MESSAGE; <paramref name="subscription"/> non-null sets the SUBSCRIPTION flag.</summary>
    internal Task<RemotingCommand> PullAsync(string group, string topic, int queueId, long offset, int maxMsgNums = 32, string? subscription = "*",
        long suspendMillis = 0, long? commitOffset = null, long subVersion = 0, TimeSpan? timeout = null)
    {
        int sysFlag = (commitOffset is null ? 0 : 0x1) | (suspendMillis > 0 ? 0x2 : 0) | (subscription is null ? 0 : 0x4);
        var header = new PullMessageRequestHeader
        {
            ConsumerGroup = group,
            Topic = topic,
            QueueId = queueId,
            QueueOffset = offset,
            MaxMsgNums = maxMsgNums,
            SysFlag = sysFlag,
            CommitOffset = commitOffset ?? 0,
            SuspendTimeoutMillis = suspendMillis,
            Subscription = subscription,
            SubVersion = subVersion,
            ExpressionType = "TAG",
        };
        return _client.InvokeAsync(Address, RemotingCommand.CreateRequest(RequestCode.PullMessage, header), timeout);
    }

    /// <summary>HEART_BEAT with one consumer group subscribing to the given topics/expressions (and optionally a producer group).</summary>
    internal Task<RemotingCommand> HeartbeatAsync(string? consumerGroup, IEnumerable<(string Topic, string Expression)> subscriptions, string? producerGroup = null,
        MessageModel model = MessageModel.Clustering)
    {
        var data = new HeartbeatData { ClientId = ClientId };
        if (consumerGroup is not null)
        {
            var consumer = new ConsumerData
            {
                GroupName = consumerGroup,
                ConsumeType = ConsumeType.ConsumePassively,
                MessageModel = model,
                ConsumeFromWhere = ConsumeFromWhere.ConsumeFromLastOffset,
            };
            foreach ((string topic, string expression) in subscriptions)
            {
                var sub = new SubscriptionData { Topic = topic, SubString = expression, SubVersion = 1 };
                if (expression != "*")
                {
                    foreach (string tag in expression.Split("||", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    {
                        sub.TagsSet.Add(tag);
                    }
                }
                consumer.SubscriptionDataSet.Add(sub);
            }
            data.ConsumerDataSet.Add(consumer);
        }
        if (producerGroup is not null)
        {
            data.ProducerDataSet.Add(new ProducerData { GroupName = producerGroup });
        }
        return InvokeAsync(RequestCode.HeartBeat, body: data.Encode());
    }

    /// <summary>Decodes every record of a pull/query/view body, checking body CRCs.</summary>
    /// <summary>Request header fields from name/value pairs, values written as Java writes them (invariant culture).</summary>
    public static Dictionary<string, string?> Fields(params (string Key, object Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (string?)Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture));

    public static List<DecodedMessage> DecodeAll(ReadOnlySpan<byte> body) => MessageDecoder.DecodeAll(body, checkCrc: true);

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
