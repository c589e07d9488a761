using System.Globalization;
using Microsoft.Extensions.Logging;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.NameServers;

/// <summary>
/// The NameServer's request processor (RocketMQ <c>DefaultRequestProcessor</c>): decodes the typed header,
/// calls the <see cref="NameServerCommands"/> method of the request code and turns the reply into the
/// response (the transport gives it the request's opaque and serialisation). Registered once per code.
/// A missing or malformed required header field answers SYSTEM_ERROR with the field named, as Java does.
/// </summary>
internal sealed class NameServerRequestHandler : IRequestHandler
{
    /// <summary>Every request code served (remoting-protocol.md §3.4).</summary>
    public static readonly int[] RequestCodes =
    [
        RequestCode.GetRouteInfoByTopic, RequestCode.RegisterBroker, RequestCode.UnregisterBroker,
        RequestCode.GetBrokerClusterInfo, RequestCode.GetAllTopicListFromNameserver, RequestCode.GetTopicsByCluster,
        RequestCode.DeleteTopicInNamesrv, RequestCode.QueryDataVersion, RequestCode.PutKVConfig,
        RequestCode.GetKVConfig, RequestCode.DeleteKVConfig, RequestCode.GetKVListByNamespace,
        RequestCode.WipeWritePermOfBroker, RequestCode.AddWritePermOfBroker, RequestCode.GetNamesrvConfig,
        RequestCode.UpdateNamesrvConfig, RequestCode.GetSystemTopicListFromNs, RequestCode.GetUnitTopicList,
        RequestCode.GetHasUnitSubTopicList, RequestCode.GetHasUnitSubUnunitTopicList,
    ];

    private readonly NameServerCommands _commands;
    private readonly ILogger _logger;
    private volatile byte[] _configText;
    private volatile NameServerMetrics? _metrics;

    /// <param name="commands">The node's state.</param>
    /// <param name="logger">Where requests that change state are logged.</param>
    /// <param name="configText">GET_NAMESRV_CONFIG's answer: the settings as <c>key=value</c> lines.</param>
    public NameServerRequestHandler(NameServerCommands commands, ILogger logger, byte[] configText)
    {
        _commands = commands;
        _logger = logger;
        _configText = configText;
    }

    /// <summary>GET_NAMESRV_CONFIG's answer; replaced once the node knows the port it is bound to.</summary>
    public byte[] ConfigText
    {
        get => _configText;
        set => _configText = value;
    }

    /// <summary>Set once the node knows its address (the meter's tag).</summary>
    public NameServerMetrics? Metrics
    {
        get => _metrics;
        set => _metrics = value;
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        NameServerReply reply;
        try
        {
            reply = Dispatch(connection, request);
        }
        catch (RemotingCommandException e)
        {
            _logger.BadRequestHeader(request.Code, connection.RemoteAddress, e.Message);
            reply = new NameServerReply(ResponseCode.SystemError, e.Message);
        }
        return ValueTask.FromResult<RemotingCommand?>(ToResponse(request, reply));
    }

    private static RemotingCommand ToResponse(RemotingCommand request, NameServerReply reply)
    {
        RemotingCommand response = RemotingCommand.CreateResponse(request, reply.Code, reply.Remark);
        if (reply.ExtFields is { } fields)
        {
            foreach (KeyValuePair<string, string> field in fields)
            {
                response.ExtFields.Add(field.Key, field.Value);
            }
        }
        if (reply.Body is { } body)
        {
            // Reply bodies may be shared (cached routes); the command only reads them.
            response.SetBody(body);
        }
        return response;
    }

    private NameServerReply Dispatch(RemotingConnection connection, RemotingCommand request)
    {
        switch (request.Code)
        {
            case RequestCode.GetRouteInfoByTopic:
            {
                var header = request.DecodeHeader<GetRouteInfoRequestHeader>();
                NameServerReply reply = _commands.GetRouteInfoByTopic(header.Topic, request.Version, header.AcceptStandardJsonOnly ?? false);
                _metrics?.RouteLookup(reply.Code == ResponseCode.Success);
                return reply;
            }
            case RequestCode.RegisterBroker:
                return RegisterBroker(connection, request);
            case RequestCode.UnregisterBroker:
            {
                var header = request.DecodeHeader<UnregisterBrokerRequestHeader>();
                var broker = new BrokerIdentity(header.ClusterName, header.BrokerName, header.BrokerAddr, header.BrokerId);
                NameServerReply reply = _commands.UnregisterBroker(broker);
                _logger.BrokerUnregistered(broker.BrokerName, broker.BrokerAddr, broker.BrokerId);
                return reply;
            }
            case RequestCode.GetBrokerClusterInfo:
                return _commands.GetBrokerClusterInfo();
            case RequestCode.GetAllTopicListFromNameserver:
                return _commands.GetAllTopicList();
            case RequestCode.GetSystemTopicListFromNs:
                return _commands.GetSystemTopicList();
            case RequestCode.GetUnitTopicList:
                return _commands.GetUnitTopicList();
            case RequestCode.GetHasUnitSubTopicList:
                return _commands.GetHasUnitSubTopicList();
            case RequestCode.GetHasUnitSubUnunitTopicList:
                return _commands.GetHasUnitSubUnunitTopicList();
            case RequestCode.GetTopicsByCluster:
                return _commands.GetTopicsByCluster(request.DecodeHeader<GetTopicsByClusterRequestHeader>().Cluster);
            case RequestCode.DeleteTopicInNamesrv:
            {
                var header = request.DecodeHeader<DeleteTopicFromNamesrvRequestHeader>();
                NameServerReply reply = _commands.DeleteTopicInNamesrv(header.Topic, header.ClusterName);
                _logger.TopicDeleted(header.Topic, connection.RemoteAddress);
                return reply;
            }
            case RequestCode.QueryDataVersion:
            {
                var header = request.DecodeHeader<QueryDataVersionRequestHeader>();
                var broker = new BrokerIdentity(header.ClusterName, header.BrokerName, header.BrokerAddr, header.BrokerId);
                return _commands.QueryDataVersion(broker, request.Body.Span);
            }
            case RequestCode.PutKVConfig:
            {
                var header = request.DecodeHeader<PutKVConfigRequestHeader>();
                NameServerReply reply = _commands.PutKvConfig(header.Namespace, header.Key, header.Value);
                LogKvChange(reply, connection, request.Code, header.Namespace, header.Key, deleted: false);
                return reply;
            }
            case RequestCode.GetKVConfig:
            {
                var header = request.DecodeHeader<GetKVConfigRequestHeader>();
                return _commands.GetKvConfig(header.Namespace, header.Key);
            }
            case RequestCode.DeleteKVConfig:
            {
                var header = request.DecodeHeader<DeleteKVConfigRequestHeader>();
                NameServerReply reply = _commands.DeleteKvConfig(header.Namespace, header.Key);
                LogKvChange(reply, connection, request.Code, header.Namespace, header.Key, deleted: true);
                return reply;
            }
            case RequestCode.GetKVListByNamespace:
                return _commands.GetKvListByNamespace(request.DecodeHeader<GetKVListByNamespaceRequestHeader>().Namespace);
            case RequestCode.WipeWritePermOfBroker:
            {
                string brokerName = request.DecodeHeader<WipeWritePermOfBrokerRequestHeader>().BrokerName;
                NameServerReply reply = _commands.WipeWritePermOfBroker(brokerName);
                _logger.WritePermChanged(brokerName, "wiped", reply.ExtField("wipeTopicCount") ?? "0", connection.RemoteAddress);
                return reply;
            }
            case RequestCode.AddWritePermOfBroker:
            {
                string brokerName = request.DecodeHeader<AddWritePermOfBrokerRequestHeader>().BrokerName;
                NameServerReply reply = _commands.AddWritePermOfBroker(brokerName);
                _logger.WritePermChanged(brokerName, "restored", reply.ExtField("addTopicCount") ?? "0", connection.RemoteAddress);
                return reply;
            }
            case RequestCode.GetNamesrvConfig:
                // mqadmin getNamesrvConfig (RocketMQ DefaultRequestProcessor.getConfig).
                return new NameServerReply(ResponseCode.Success, Body: _configText);
            case RequestCode.UpdateNamesrvConfig:
                // Settings are fixed once a node runs (they come from options or a conf file at start).
                return new NameServerReply(ResponseCode.SystemError,
                    "updating the name server's configuration at runtime is not allowed; change its options and restart it");
            default:
                // Registered only for the codes above; anything else is a wiring mistake, not client input.
                return new NameServerReply(ResponseCode.RequestCodeNotSupported,
                    " request type " + request.Code.ToString(CultureInfo.InvariantCulture) + " not supported");
        }
    }

    private NameServerReply RegisterBroker(RemotingConnection connection, RemotingCommand request)
    {
        var header = request.DecodeHeader<RegisterBrokerRequestHeader>();
        var registration = new BrokerRegistration
        {
            Broker = new BrokerIdentity(header.ClusterName, header.BrokerName, header.BrokerAddr, header.BrokerId),
            HaServerAddr = header.HaServerAddr,
            Compressed = header.Compressed ?? false,
            BodyCrc32 = header.BodyCrc32 ?? 0,
            HeartbeatTimeout = header.HeartbeatTimeoutMillis is long ms && ms > 0 ? TimeSpan.FromMilliseconds(ms) : null,
        };
        // The connection is the liveness key: when it closes, the broker goes at once (onChannelDestroy).
        NameServerReply reply = _commands.RegisterBroker(registration, request.Body.Span, request.Version, connection);
        if (reply.Code == ResponseCode.Success)
        {
            _metrics?.Registered();
            _logger.BrokerRegistered(header.BrokerName, header.BrokerAddr, header.BrokerId, header.ClusterName, connection.RemoteAddress);
        }
        else
        {
            _logger.RegistrationRefused(header.BrokerAddr, connection.RemoteAddress, reply.Remark);
        }
        return reply;
    }

    private void LogKvChange(NameServerReply reply, RemotingConnection connection, int code, string ns, string key, bool deleted)
    {
        if (reply.Code != ResponseCode.Success)
        {
            _logger.RequestFailed(code, connection.RemoteAddress, reply.Remark);
        }
        else if (deleted)
        {
            _logger.KvConfigDeleted(ns, key, connection.RemoteAddress);
        }
        else
        {
            _logger.KvConfigPut(ns, key, connection.RemoteAddress);
        }
    }
}
