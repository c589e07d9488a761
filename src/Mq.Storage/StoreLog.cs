using Microsoft.Extensions.Logging;

namespace Mq.Storage;

/// <summary>Source-generated log messages of the store (EventIds 2000-2099).</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Warning, Message = "Pre-allocating commit-log segment {StartOffset} failed; it will be created on demand")]
    public static partial void SegmentPreallocationFailed(ILogger logger, long startOffset, Exception exception);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Store at {Path} opened after {Shutdown} shutdown: commit log [{MinOffset}, {MaxOffset}), dispatch from {ReputFrom}")]
    public static partial void Opened(ILogger logger, string path, string shutdown, long minOffset, long maxOffset, long reputFrom);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Commit log recovery truncated at {Offset}: {Reason} ({DroppedBytes} bytes dropped from the segment tail)")]
    public static partial void CommitLogTruncated(ILogger logger, long offset, string reason, long droppedBytes);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Flushing the commit log failed; appends are refused until the store is reopened")]
    public static partial void FlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Dispatch met an invalid record at {Offset} ({Status}); skipping to the next segment")]
    public static partial void DispatchInvalidRecord(ILogger logger, long offset, string status);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Dispatching from {Offset} failed")]
    public static partial void DispatchFailed(ILogger logger, long offset, Exception exception);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Consume queue {Topic}/{QueueId} truncated to logical offset {MaxOffset} to agree with the commit log")]
    public static partial void ConsumeQueueTruncated(ILogger logger, string topic, int queueId, long maxOffset);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Deleted commit-log segment {StartOffset} ({Reason})")]
    public static partial void SegmentDeleted(ILogger logger, long startOffset, string reason);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Disk usage {Ratio:P1} of {Path} is above {Limit:P0}: appends are refused until space returns")]
    public static partial void DiskFull(ILogger logger, double ratio, string path, double limit);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Information, Message = "Disk usage {Ratio:P1} is back under the limit: appends resume")]
    public static partial void DiskSpaceRecovered(ILogger logger, double ratio);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "Background store task '{Task}' failed")]
    public static partial void BackgroundTaskFailed(ILogger logger, string task, Exception exception);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Index file {Path} dropped during recovery; it is rebuilt from offset {Offset}")]
    public static partial void IndexFileDropped(ILogger logger, string path, long offset);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Consume queue {Topic}/{QueueId}: entry {QueueOffset} arrived after a gap (max {MaxOffset}); the queue restarts there")]
    public static partial void ConsumeQueueGap(ILogger logger, string topic, int queueId, long queueOffset, long maxOffset);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "Dispatch listener {Listener} threw; dispatch continues")]
    public static partial void ListenerFailed(ILogger logger, string listener, Exception exception);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Error, Message = "Writing {Length} bytes to the commit log at {Offset} failed; the append is refused and nothing was stored")]
    public static partial void CommitLogWriteFailed(ILogger logger, long offset, int length, Exception exception);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "Shutting down with dispatch at {Dispatched} of {MaxOffset}; the next open rebuilds the rest from the commit log")]
    public static partial void DispatchIncompleteAtShutdown(ILogger logger, long dispatched, long maxOffset);

    [LoggerMessage(EventId = 2016, Level = LogLevel.Warning, Message = "Deleted the expired consume queue {Topic}/{QueueId}: its last message lies below the commit log's start {CommitLogMinOffset}")]
    public static partial void ExpiredConsumeQueueDeleted(ILogger logger, string topic, int queueId, long commitLogMinOffset);
}
