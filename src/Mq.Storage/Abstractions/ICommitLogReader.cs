using Mq.Messages;

namespace Mq.Storage.Abstractions;

/// <summary>Reads committed commit-log bytes and records.</summary>
public interface ICommitLogReader
{
    /// <summary>Start of the oldest retained segment.</summary>
    long CommitLogMinOffset { get; }

    /// <summary>End of the last complete record (everything below is readable).</summary>
    long CommitLogMaxOffset { get; }

    /// <summary>Offset below which everything is durable.</summary>
    long CommitLogFlushedOffset { get; }

    /// <summary>The record at a physical offset as a lease (dispose it), or null if none is there.</summary>
    StoredMessage? ReadMessage(long physicalOffset);

    /// <summary>The record named by an offset message id (§4.7), or null.</summary>
    StoredMessage? ReadMessage(string offsetMessageId);
}
