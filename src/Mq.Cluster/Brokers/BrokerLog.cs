using Microsoft.Extensions.Logging;

namespace Mq.Brokers;

/// <summary>Broker log messages (EventIds 500-599; 600-649 belong to retry/delay/transactions/locks).</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Broker {BrokerName} (cluster {Cluster}, id {BrokerId}) started at {Address}, VIP {VipAddress}, store {StorePath}")]
    public static partial void Started(ILogger logger, string brokerName, string cluster, long brokerId, string address, string? vipAddress, string storePath);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Broker {BrokerName} at {Address} stopped")]
    public static partial void Stopped(ILogger logger, string brokerName, string address);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Topic {Topic} created with {Queues} queues, perm {Perm} (by {Origin})")]
    public static partial void TopicCreated(ILogger logger, string topic, int queues, int perm, string origin);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Topic {Topic} not created from {DefaultTopic} for {Remote}: {Reason}")]
    public static partial void TopicCreateRefused(ILogger logger, string topic, string defaultTopic, string remote, string reason);

    [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "Topic {Topic} updated: read {Read}, write {Write}, perm {Perm}")]
    public static partial void TopicUpdated(ILogger logger, string topic, int read, int write, int perm);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "Topic {Topic} deleted")]
    public static partial void TopicDeleted(ILogger logger, string topic);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information, Message = "Subscription group {Group} created")]
    public static partial void GroupCreated(ILogger logger, string group);

    [LoggerMessage(EventId = 507, Level = LogLevel.Warning, Message = "Registration with NameServer {NameServer} failed")]
    public static partial void RegisterFailed(ILogger logger, string nameServer, Exception exception);

    [LoggerMessage(EventId = 508, Level = LogLevel.Warning, Message = "Unregistration from NameServer {NameServer} failed")]
    public static partial void UnregisterFailed(ILogger logger, string nameServer, Exception exception);

    [LoggerMessage(EventId = 509, Level = LogLevel.Error, Message = "Background task {Task} failed")]
    public static partial void BackgroundFailed(ILogger logger, string task, Exception exception);

    [LoggerMessage(EventId = 510, Level = LogLevel.Information, Message = "Client {ClientId} ({Remote}) joined consumer group {Group}")]
    public static partial void ConsumerRegistered(ILogger logger, string clientId, string remote, string group);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Client {ClientId} ({Remote}) left consumer group {Group}: {Reason}")]
    public static partial void ConsumerUnregistered(ILogger logger, string clientId, string remote, string group, string reason);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning, Message = "Client channel {Remote} expired: no heartbeat for {Idle}")]
    public static partial void ChannelExpired(ILogger logger, string remote, TimeSpan idle);

    [LoggerMessage(EventId = 513, Level = LogLevel.Warning, Message = "Send refused with SYSTEM_BUSY: {Reason}")]
    public static partial void FlowControl(ILogger logger, string reason);

    [LoggerMessage(EventId = 514, Level = LogLevel.Debug, Message = "Request {Code} from {Remote} rejected: {Reason}")]
    public static partial void BadRequest(ILogger logger, int code, string remote, string reason);

    [LoggerMessage(EventId = 515, Level = LogLevel.Warning, Message = "Notifying {Remote} failed")]
    public static partial void NotifyFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 516, Level = LogLevel.Information, Message = "Consumer offsets of group {Group} on {Topic} reset to timestamp {Timestamp}")]
    public static partial void OffsetReset(ILogger logger, string group, string topic, long timestamp);

    [LoggerMessage(EventId = 650, Level = LogLevel.Information, Message = "Slave copied the master's {Table} from {Master}")]
    public static partial void SlaveSynchronized(ILogger logger, string table, string master);

    [LoggerMessage(EventId = 651, Level = LogLevel.Warning, Message = "Slave metadata copy from master {Master} failed; the next pass retries")]
    public static partial void SlaveSynchronizeFailed(ILogger logger, string master, Exception exception);
}
