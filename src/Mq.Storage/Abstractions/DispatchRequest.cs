namespace Mq.Storage.Abstractions;

/// <summary>One record as the dispatcher hands it on (RocketMQ <c>DispatchRequest</c>).</summary>
public readonly ref struct DispatchRequest
{
    internal DispatchRequest(string topic, int queueId, long commitLogOffset, int size, long tagsCode, long storeTimestamp,
        long queueOffset, int sysFlag, ReadOnlySpan<byte> record)
    {
        Topic = topic;
        QueueId = queueId;
        CommitLogOffset = commitLogOffset;
        Size = size;
        TagsCode = tagsCode;
        StoreTimestamp = storeTimestamp;
        QueueOffset = queueOffset;
        SysFlag = sysFlag;
        Record = record;
    }

    /// <summary>Topic.</summary>
    public string Topic { get; }
    /// <summary>Queue id.</summary>
    public int QueueId { get; }
    /// <summary>Physical offset.</summary>
    public long CommitLogOffset { get; }
    /// <summary>Record size.</summary>
    public int Size { get; }
    /// <summary>Consume-queue tags code.</summary>
    public long TagsCode { get; }
    /// <summary>Store timestamp (ms).</summary>
    public long StoreTimestamp { get; }
    /// <summary>Logical offset.</summary>
    public long QueueOffset { get; }
    /// <summary>System flag.</summary>
    public int SysFlag { get; }
    /// <summary>The stored record bytes.</summary>
    public ReadOnlySpan<byte> Record { get; }
}
