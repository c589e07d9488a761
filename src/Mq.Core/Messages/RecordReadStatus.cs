namespace Mq.Messages;

/// <summary>Outcome of reading one record from a buffer (<see cref="MessageView.TryRead"/>).</summary>
public enum RecordReadStatus
{
    /// <summary>A complete, well-formed record.</summary>
    Ok,
    /// <summary>An end-of-segment filler; skip <c>size</c> bytes to the next segment.</summary>
    Blank,
    /// <summary>The buffer ends inside the record (or is empty).</summary>
    NeedMoreData,
    /// <summary>Neither a record magic nor the blank magic (zeroed space or garbage).</summary>
    BadMagic,
    /// <summary>TOTALSIZE is impossible or disagrees with the field lengths.</summary>
    BadSize,
    /// <summary>The body CRC does not match.</summary>
    BadCrc,
}
