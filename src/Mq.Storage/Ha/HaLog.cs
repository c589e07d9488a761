using Microsoft.Extensions.Logging;

namespace Mq.Storage.Ha;

/// <summary>Source-generated log messages of HA replication (EventIds 700-749).</summary>
internal static partial class HaLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "HA server listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "HA slave {Remote} connected")]
    public static partial void SlaveConnected(ILogger logger, string remote);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "HA slave {Remote} disconnected ({Reason})")]
    public static partial void SlaveDisconnected(ILogger logger, string remote, string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "HA slave {Remote} reported {SlaveOffset}; streaming from {StartOffset}")]
    public static partial void TransferStarted(ILogger logger, string remote, long slaveOffset, long startOffset);

    [LoggerMessage(EventId = 704, Level = LogLevel.Error, Message = "HA slave {Remote} reports offset {SlaveOffset} beyond this master's commit log [{MinOffset}, {MaxOffset}): the logs diverged; refusing to replicate to it")]
    public static partial void SlaveDiverged(ILogger logger, string remote, long slaveOffset, long minOffset, long maxOffset);

    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "HA connection {Remote} failed")]
    public static partial void ConnectionFailed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning, Message = "HA accept loop failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "HA client connected to master {Master}; local max offset {MaxOffset}")]
    public static partial void ClientConnected(ILogger logger, string master, long maxOffset);

    [LoggerMessage(EventId = 711, Level = LogLevel.Warning, Message = "HA client could not reach master {Master}; retrying in {Delay}")]
    public static partial void ClientConnectFailed(ILogger logger, string master, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 712, Level = LogLevel.Error, Message = "HA data from master {Master} starts at {MasterOffset} but the local commit log ends at {LocalOffset}: stream and log diverged; nothing written, reconnecting")]
    public static partial void OffsetMismatch(ILogger logger, string master, long masterOffset, long localOffset);

    [LoggerMessage(EventId = 713, Level = LogLevel.Warning, Message = "HA client connection to master {Master} closed ({Reason})")]
    public static partial void ClientDisconnected(ILogger logger, string master, string reason);

    [LoggerMessage(EventId = 714, Level = LogLevel.Error, Message = "HA client failed to append replicated data at {Offset} from {Master}")]
    public static partial void AppendFailed(ILogger logger, long offset, string master, Exception exception);

    [LoggerMessage(EventId = 716, Level = LogLevel.Error, Message = "HA client session with master {Master} failed unexpectedly; reconnecting")]
    public static partial void SessionFailed(ILogger logger, string master, Exception exception);

    [LoggerMessage(EventId = 715, Level = LogLevel.Information, Message = "HA master address changed to {Master}")]
    public static partial void MasterAddressChanged(ILogger logger, string master);
}
