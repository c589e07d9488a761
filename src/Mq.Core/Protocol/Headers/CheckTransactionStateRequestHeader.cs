namespace Mq.Protocol.Headers;

/// <summary>CHECK_TRANSACTION_STATE (39) broker-to-producer oneway request (RocketMQ <c>CheckTransactionStateRequestHeader</c>).</summary>
internal sealed class CheckTransactionStateRequestHeader : ICommandHeader
{
    /// <summary><c>tranStateTableOffset</c> (required).</summary>
    public long TranStateTableOffset { get; set; }

    /// <summary><c>commitLogOffset</c> (required).</summary>
    public long CommitLogOffset { get; set; }

    /// <summary><c>msgId</c>.</summary>
    public string? MsgId { get; set; }

    /// <summary><c>transactionId</c>.</summary>
    public string? TransactionId { get; set; }

    /// <summary><c>offsetMsgId</c>.</summary>
    public string? OffsetMsgId { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("tranStateTableOffset"u8, TranStateTableOffset);
        fields.Add("commitLogOffset"u8, CommitLogOffset);
        fields.Add("msgId"u8, MsgId);
        fields.Add("transactionId"u8, TransactionId);
        fields.Add("offsetMsgId"u8, OffsetMsgId);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        TranStateTableOffset = fields.GetRequiredInt64("tranStateTableOffset"u8);
        CommitLogOffset = fields.GetRequiredInt64("commitLogOffset"u8);
        MsgId = fields.GetString("msgId"u8);
        TransactionId = fields.GetString("transactionId"u8);
        OffsetMsgId = fields.GetString("offsetMsgId"u8);
        Bname = fields.GetString("bname"u8);
    }
}
