using Microsoft.Extensions.Logging;

namespace Mq.Transport;

/// <summary>Transport logs; EventIds 300-349 belong to this area.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Remoting listener bound to {EndPoint}")]
    public static partial void ListenerStarted(this ILogger logger, string endPoint);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Remoting listener on {EndPoint} stopped")]
    public static partial void ListenerStopped(this ILogger logger, string endPoint);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened with {RemoteAddress}")]
    public static partial void ConnectionOpened(this ILogger logger, string connectionId, string remoteAddress);

    [LoggerMessage(EventId = 303, Level = LogLevel.Debug, Message = "Connection {ConnectionId} with {RemoteAddress} closed")]
    public static partial void ConnectionClosed(this ILogger logger, string connectionId, string remoteAddress);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Connection {ConnectionId} with {RemoteAddress} sent a bad frame and is closed: {Reason}")]
    public static partial void BadFrame(this ILogger logger, string connectionId, string remoteAddress, string reason);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "Dropping a response with opaque {Opaque} from {RemoteAddress}: no request is waiting for it")]
    public static partial void UnmatchedResponse(this ILogger logger, int opaque, string remoteAddress);

    [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Request code {Code} from {RemoteAddress} is not supported")]
    public static partial void RequestCodeNotSupported(this ILogger logger, int code, string remoteAddress);

    [LoggerMessage(EventId = 307, Level = LogLevel.Warning, Message = "Handler for request code {Code} from {RemoteAddress} failed")]
    public static partial void HandlerFailed(this ILogger logger, Exception exception, int code, string remoteAddress);

    [LoggerMessage(EventId = 308, Level = LogLevel.Debug, Message = "Request code {Code} opaque {Opaque} to {RemoteAddress} timed out")]
    public static partial void RequestTimedOut(this ILogger logger, int code, int opaque, string remoteAddress);

    [LoggerMessage(EventId = 309, Level = LogLevel.Warning, Message = "Cannot connect to {Address}")]
    public static partial void ConnectFailed(this ILogger logger, Exception exception, string address);

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Cannot write a frame with code {Code} to {RemoteAddress}")]
    public static partial void WriteFailed(this ILogger logger, Exception exception, int code, string remoteAddress);

    [LoggerMessage(EventId = 311, Level = LogLevel.Warning, Message = "Shutdown timed out with {Count} requests still being handled")]
    public static partial void DrainTimedOut(this ILogger logger, int count);

    [LoggerMessage(EventId = 312, Level = LogLevel.Error, Message = "Accepting connections on {EndPoint} failed; the listener stops")]
    public static partial void AcceptFailed(this ILogger logger, Exception exception, string endPoint);

    [LoggerMessage(EventId = 313, Level = LogLevel.Debug, Message = "Connection {ConnectionId} ended with a socket error")]
    public static partial void ConnectionError(this ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(EventId = 314, Level = LogLevel.Warning, Message = "A connection event handler failed")]
    public static partial void EventHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 315, Level = LogLevel.Information, Message = "Connection {ConnectionId} with {RemoteAddress} was idle for {IdleMillis} ms and is closed")]
    public static partial void IdleClosed(this ILogger logger, string connectionId, string remoteAddress, long idleMillis);

    [LoggerMessage(EventId = 316, Level = LogLevel.Warning, Message = "Code awaiting a response from {RemoteAddress} held its thread for over {StallMillis} ms; another thread completes the responses read with it. Do not block in continuations.")]
    public static partial void ResponseBatchStalled(this ILogger logger, string remoteAddress, int stallMillis);

    [LoggerMessage(EventId = 317, Level = LogLevel.Warning, Message = "Request code {Code} from {RemoteAddress} refused: {Reason}")]
    public static partial void RequestRefused(this ILogger logger, int code, string remoteAddress, string reason);
}
