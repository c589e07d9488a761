namespace Mq.Client;

/// <summary>Where a group with no committed offset starts on a queue (Java <c>ConsumeFromWhere</c>).</summary>
public enum ConsumeStartPoint
{
    /// <summary>The end of the queue (default); a queue whose first message is still in memory is read from 0, as the broker answers offset 0.</summary>
    LastOffset,

    /// <summary>The beginning of the queue.</summary>
    FirstOffset,

    /// <summary>The first message stored at or after <see cref="ConsumerOptions.ConsumeTimestamp"/>.</summary>
    Timestamp,
}
