namespace Mq.Protocol.Headers;

/// <summary>SEND_MESSAGE response (RocketMQ <c>SendMessageResponseHeader</c>) plus the <c>MSG_REGION</c> and <c>TRACE_ON</c> fields Java brokers add and Java clients require.</summary>
internal sealed class SendMessageResponseHeader : ICommandHeader
{
    /// <summary><c>msgId</c> (required), UTF-8; after decoding it points into the received frame (valid while the command lives).</summary>
    public ReadOnlyMemory<byte> MsgId { get; set; }

    /// <summary><c>queueId</c> (required).</summary>
    public int QueueId { get; set; }

    /// <summary><c>queueOffset</c> (required).</summary>
    public long QueueOffset { get; set; }

    /// <summary><c>transactionId</c>.</summary>
    public string? TransactionId { get; set; }

    /// <summary><c>MSG_REGION</c>.</summary>
    public string? MsgRegion { get; set; }

    /// <summary><c>TRACE_ON</c>.</summary>
    public bool? TraceOn { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        if (!MsgId.IsEmpty)
        {
            fields.Add("msgId"u8, MsgId.Span);
        }
        fields.Add("queueId"u8, QueueId);
        fields.Add("queueOffset"u8, QueueOffset);
        fields.Add("transactionId"u8, TransactionId);
        fields.Add("MSG_REGION"u8, MsgRegion);
        fields.Add("TRACE_ON"u8, TraceOn);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        MsgId = fields.Contains("msgId"u8) ? fields.GetUtf8Memory("msgId"u8) : throw new RemotingCommandException("the custom field msgId is null");
        QueueId = fields.GetRequiredInt32("queueId"u8);
        QueueOffset = fields.GetRequiredInt64("queueOffset"u8);
        TransactionId = fields.GetString("transactionId"u8);
        MsgRegion = fields.GetString("MSG_REGION"u8);
        TraceOn = fields.GetBoolean("TRACE_ON"u8);
    }
}
