namespace Mq.Messages;

/// <summary>
/// The input of a batch append (SEND_BATCH_MESSAGE): the raw batch body (§4.5) plus the fields shared by
/// every inner message. The store expands each inner message into a full record with consecutive queue
/// offsets inside one reservation, appending <see cref="ExtraProperties"/> to every inner properties
/// string (RocketMQ <c>MessageExtBatchEncoder</c>).
/// </summary>
public sealed class MessageBatchToStore
{
    /// <summary>Topic shared by all inner messages.</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>Queue id shared by all inner messages.</summary>
    public int QueueId { get; set; }

    /// <summary>System flag applied to every record (batches are never compressed).</summary>
    public int SysFlag { get; set; }

    /// <summary>Producer timestamp.</summary>
    public long BornTimestamp { get; set; }

    /// <summary>Producer address.</summary>
    public MessageHost BornHost { get; set; }

    /// <summary>Broker address.</summary>
    public MessageHost StoreHost { get; set; }

    /// <summary>Retry count applied to every record.</summary>
    public int ReconsumeTimes { get; set; }

    /// <summary>The SEND_BATCH_MESSAGE body: inner records as <see cref="BatchMessageReader"/> reads them.</summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>Properties (encoded, §4.3) appended to each inner message's own properties; may be empty.</summary>
    public ReadOnlyMemory<byte> ExtraProperties { get; set; }
}
