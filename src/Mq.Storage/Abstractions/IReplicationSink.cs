namespace Mq.Storage.Abstractions;

/// <summary>What an HA slave needs: append the master's bytes at exactly its offset.</summary>
public interface IReplicationSink
{
    /// <summary>End of the local commit log (what the slave reports to the master).</summary>
    long CommitLogMaxOffset { get; }

    /// <summary>
    /// Appends raw commit-log bytes at <paramref name="physicalOffset"/>, which must equal
    /// <see cref="CommitLogMaxOffset"/> (or, on an empty log, be a segment start: the log then begins there);
    /// otherwise throws <see cref="InvalidOperationException"/> and writes
    /// nothing. Complete records are then dispatched to consume queues and index.
    /// </summary>
    void AppendReplicated(long physicalOffset, ReadOnlySpan<byte> data);
}
