namespace Mq.Client;

/// <summary>Outcome of a send the broker stored (RocketMQ <c>SendStatus</c>).</summary>
public enum SendStatus
{
    /// <summary>Stored (and flushed/replicated as the broker is configured).</summary>
    SendOk,

    /// <summary>Stored, but the synchronous flush timed out (code 10).</summary>
    FlushDiskTimeout,

    /// <summary>Stored, but the synchronous slave did not acknowledge in time (code 12).</summary>
    FlushSlaveTimeout,

    /// <summary>Stored on a SYNC_MASTER that has no usable slave (code 11).</summary>
    SlaveNotAvailable,
}
