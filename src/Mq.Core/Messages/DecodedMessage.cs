namespace Mq.Messages;

/// <summary>
/// A stored record materialised into managed objects (for admin paths, tools and tests; the hot paths
/// use <see cref="MessageView"/>).
/// </summary>
public sealed class DecodedMessage
{
    /// <summary>TOTALSIZE.</summary>
    public int StoreSize { get; init; }
    /// <summary>BODYCRC.</summary>
    public int BodyCrc { get; init; }
    /// <summary>Topic.</summary>
    public string Topic { get; init; } = string.Empty;
    /// <summary>Queue id.</summary>
    public int QueueId { get; init; }
    /// <summary>User flag.</summary>
    public int Flag { get; init; }
    /// <summary>Logical offset in the consume queue.</summary>
    public long QueueOffset { get; init; }
    /// <summary>Physical commit-log offset.</summary>
    public long CommitLogOffset { get; init; }
    /// <summary>System flag.</summary>
    public int SysFlag { get; init; }
    /// <summary>Producer timestamp (ms).</summary>
    public long BornTimestamp { get; init; }
    /// <summary>Producer address.</summary>
    public MessageHost BornHost { get; init; }
    /// <summary>Broker timestamp (ms).</summary>
    public long StoreTimestamp { get; init; }
    /// <summary>Broker address.</summary>
    public MessageHost StoreHost { get; init; }
    /// <summary>Retry count.</summary>
    public int ReconsumeTimes { get; init; }
    /// <summary>Prepared transaction offset.</summary>
    public long PreparedTransactionOffset { get; init; }
    /// <summary>Body as stored (compressed when <see cref="IsCompressed"/>).</summary>
    public byte[] Body { get; init; } = [];
    /// <summary>Properties.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the body is compressed (sysFlag bit 0).</summary>
    public bool IsCompressed => (SysFlag & MessageSysFlag.Compressed) != 0;

    /// <summary>The TAGS property, or null.</summary>
    public string? Tags => Properties.TryGetValue(MessageConst.Tags, out var v) ? v : null;

    /// <summary>The KEYS property, or null.</summary>
    public string? Keys => Properties.TryGetValue(MessageConst.Keys, out var v) ? v : null;

    /// <summary>The offset message id (§4.7).</summary>
    public string OffsetMessageId => Messages.OffsetMessageId.Create(StoreHost, CommitLogOffset);
}
