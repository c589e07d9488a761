namespace Mq.Client.Tracing;

/// <summary>The kind of a message-trace record (RocketMQ <c>TraceType</c>; its names are written into the trace data).</summary>
internal enum TraceType
{
    /// <summary>A producer's send.</summary>
    Pub,

    /// <summary>A consumer is about to hand messages to its handler.</summary>
    SubBefore,

    /// <summary>The handler returned (or threw).</summary>
    SubAfter,

    /// <summary>A producer committed, rolled back or left open a transactional message.</summary>
    EndTransaction,
}

/// <summary>The message type of a trace record, written as its ordinal (RocketMQ <c>MessageType</c>).</summary>
internal enum TraceMessageType
{
    Normal = 0,
    TransactionHalf = 1,
    TransactionCommit = 2,
    Delay = 3,
}

/// <summary>One message in a trace record (RocketMQ <c>TraceBean</c>); null strings are written as Java writes them: <c>null</c>.</summary>
internal sealed class TraceBean
{
    public string? Topic { get; set; } = string.Empty;

    public string? MessageId { get; set; } = string.Empty;

    public string? OffsetMessageId { get; set; } = string.Empty;

    public string? Tags { get; set; } = string.Empty;

    public string? Keys { get; set; } = string.Empty;

    public string? StoreHost { get; set; }

    public long StoreTime { get; set; }

    public int RetryTimes { get; set; }

    public int BodyLength { get; set; }

    public TraceMessageType MessageType { get; set; }

    /// <summary>RocketMQ's <c>LocalTransactionState</c> name: <c>COMMIT_MESSAGE</c>, <c>ROLLBACK_MESSAGE</c> or <c>UNKNOW</c>.</summary>
    public string? TransactionState { get; set; }

    public string? TransactionId { get; set; }

    public bool FromTransactionCheck { get; set; }
}

/// <summary>One trace record before encoding (RocketMQ <c>TraceContext</c>).</summary>
internal sealed class TraceContext
{
    public TraceType Type { get; set; }

    /// <summary>Milliseconds since the epoch: when the send attempt or the handler started (SubAfter: when it ended).</summary>
    public long TimeStamp { get; set; }

    public string? RegionId { get; set; } = string.Empty;

    public string GroupName { get; set; } = string.Empty;

    /// <summary>Milliseconds the send or the handler took (per message for a consumed batch).</summary>
    public int CostTime { get; set; }

    public bool IsSuccess { get; set; } = true;

    /// <summary>Pairs a SubBefore with its SubAfter.</summary>
    public string RequestId { get; set; } = string.Empty;

    /// <summary>RocketMQ <c>ConsumeReturnType</c> ordinal: 0 success, 1 time-out, 2 exception, 3 null, 4 failed.</summary>
    public int ContextCode { get; set; }

    public IReadOnlyList<TraceBean> Beans { get; set; } = [];
}
