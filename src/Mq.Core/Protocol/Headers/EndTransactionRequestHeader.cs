namespace Mq.Protocol.Headers;

/// <summary>END_TRANSACTION (37) request (RocketMQ <c>EndTransactionRequestHeader</c>); usually oneway.</summary>
internal sealed class EndTransactionRequestHeader : ICommandHeader
{
    /// <summary><c>producerGroup</c> (required).</summary>
    public string ProducerGroup { get; set; } = string.Empty;

    /// <summary><c>tranStateTableOffset</c> (required).</summary>
    public long TranStateTableOffset { get; set; }

    /// <summary><c>commitLogOffset</c> (required).</summary>
    public long CommitLogOffset { get; set; }

    /// <summary><c>commitOrRollback</c> (required).</summary>
    public int CommitOrRollback { get; set; }

    /// <summary><c>fromTransactionCheck</c>.</summary>
    public bool? FromTransactionCheck { get; set; }

    /// <summary><c>msgId</c> (required).</summary>
    public string MsgId { get; set; } = string.Empty;

    /// <summary><c>transactionId</c>.</summary>
    public string? TransactionId { get; set; }

    /// <summary><c>bname</c>.</summary>
    public string? Bname { get; set; }

    /// <inheritdoc />
    public void Encode(ExtFields fields)
    {
        fields.Add("producerGroup"u8, ProducerGroup);
        fields.Add("tranStateTableOffset"u8, TranStateTableOffset);
        fields.Add("commitLogOffset"u8, CommitLogOffset);
        fields.Add("commitOrRollback"u8, CommitOrRollback);
        fields.Add("fromTransactionCheck"u8, FromTransactionCheck);
        fields.Add("msgId"u8, MsgId);
        fields.Add("transactionId"u8, TransactionId);
        fields.Add("bname"u8, Bname);
    }

    /// <inheritdoc />
    public void Decode(ExtFields fields)
    {
        ProducerGroup = fields.GetRequiredString("producerGroup"u8);
        TranStateTableOffset = fields.GetRequiredInt64("tranStateTableOffset"u8);
        CommitLogOffset = fields.GetRequiredInt64("commitLogOffset"u8);
        CommitOrRollback = fields.GetRequiredInt32("commitOrRollback"u8);
        FromTransactionCheck = fields.GetBoolean("fromTransactionCheck"u8);
        MsgId = fields.GetRequiredString("msgId"u8);
        TransactionId = fields.GetString("transactionId"u8);
        Bname = fields.GetString("bname"u8);
    }
}
