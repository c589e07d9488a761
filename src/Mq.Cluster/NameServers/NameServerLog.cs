using Microsoft.Extensions.Logging;

namespace Mq.NameServers;

/// <summary>NameServer node logs; EventIds 400-449 belong to this area.</summary>
internal static partial class NameServerLog
{
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "NameServer listening on {Address}")]
    public static partial void Started(this ILogger logger, string address);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "NameServer on {Address} stopped")]
    public static partial void Stopped(this ILogger logger, string address);

    [LoggerMessage(EventId = 402, Level = LogLevel.Debug, Message = "Broker {BrokerName} {BrokerAddr} (id {BrokerId}, cluster {ClusterName}) registered from {RemoteAddress}")]
    public static partial void BrokerRegistered(this ILogger logger, string brokerName, string brokerAddr, long brokerId, string clusterName, string remoteAddress);

    [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Registration of broker {BrokerAddr} from {RemoteAddress} refused: {Remark}")]
    public static partial void RegistrationRefused(this ILogger logger, string brokerAddr, string remoteAddress, string? remark);

    [LoggerMessage(EventId = 404, Level = LogLevel.Information, Message = "Broker {BrokerName} {BrokerAddr} (id {BrokerId}) unregistered")]
    public static partial void BrokerUnregistered(this ILogger logger, string brokerName, string brokerAddr, long brokerId);

    [LoggerMessage(EventId = 405, Level = LogLevel.Information, Message = "Connection {ConnectionId} with {RemoteAddress} closed; broker {BrokerAddr} removed")]
    public static partial void BrokerConnectionClosed(this ILogger logger, string connectionId, string remoteAddress, string brokerAddr);

    [LoggerMessage(EventId = 406, Level = LogLevel.Warning, Message = "Broker {BrokerAddr} has not registered within its expiry; removed and its connection closed")]
    public static partial void BrokerExpired(this ILogger logger, string brokerAddr);

    [LoggerMessage(EventId = 407, Level = LogLevel.Warning, Message = "Request code {Code} from {RemoteAddress} has a bad header: {Reason}")]
    public static partial void BadRequestHeader(this ILogger logger, int code, string remoteAddress, string reason);

    [LoggerMessage(EventId = 408, Level = LogLevel.Information, Message = "KV config {Namespace}/{Key} set by {RemoteAddress}")]
    public static partial void KvConfigPut(this ILogger logger, string @namespace, string key, string remoteAddress);

    [LoggerMessage(EventId = 409, Level = LogLevel.Information, Message = "KV config {Namespace}/{Key} deleted by {RemoteAddress}")]
    public static partial void KvConfigDeleted(this ILogger logger, string @namespace, string key, string remoteAddress);

    [LoggerMessage(EventId = 410, Level = LogLevel.Information, Message = "Topic {Topic} deleted from the NameServer by {RemoteAddress}")]
    public static partial void TopicDeleted(this ILogger logger, string topic, string remoteAddress);

    [LoggerMessage(EventId = 411, Level = LogLevel.Error, Message = "Broker expiry scan failed")]
    public static partial void ScanFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 412, Level = LogLevel.Warning, Message = "KV config file {Path} was unreadable; loaded its backup")]
    public static partial void KvConfigLoadedFromBackup(this ILogger logger, string path);

    [LoggerMessage(EventId = 413, Level = LogLevel.Information, Message = "Write permission of broker {BrokerName} {Operation} on {TopicCount} topics by {RemoteAddress}")]
    public static partial void WritePermChanged(this ILogger logger, string brokerName, string operation, string topicCount, string remoteAddress);

    [LoggerMessage(EventId = 414, Level = LogLevel.Warning, Message = "Request code {Code} from {RemoteAddress} failed: {Remark}")]
    public static partial void RequestFailed(this ILogger logger, int code, string remoteAddress, string? remark);
}
