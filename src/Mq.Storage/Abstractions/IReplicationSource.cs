namespace Mq.Storage.Abstractions;

/// <summary>What an HA master needs: raw committed bytes and a wake-up when more arrive.</summary>
public interface IReplicationSource
{
    /// <summary>Start of the oldest retained commit-log segment (where an empty slave starts).</summary>
    long CommitLogMinOffset { get; }

    /// <summary>End of the committed commit log.</summary>
    long CommitLogMaxOffset { get; }

    /// <summary>
    /// Copies raw committed bytes (records and blank fillers, possibly ending mid-record) starting at
    /// <paramref name="physicalOffset"/>; never crosses a segment end. Returns 0 when nothing is there.
    /// </summary>
    int ReadCommitted(long physicalOffset, Span<byte> destination);

    /// <summary>Completes when <see cref="CommitLogMaxOffset"/> ≥ <paramref name="offset"/>.</summary>
    ValueTask WaitForMaxOffsetAsync(long offset, CancellationToken cancellationToken = default);
}
