namespace Mq.Client;

/// <summary>The result of <see cref="Producer.SendInTransactionAsync"/>: the half message's send result and the local decision.</summary>
public sealed class TransactionSendResult
{
    internal TransactionSendResult(SendResult sendResult, TransactionState state)
    {
        SendResult = sendResult;
        State = state;
    }

    /// <summary>The broker's acknowledgement of the half message.</summary>
    public SendResult SendResult { get; }

    /// <summary>What the local transaction decided (sent to the broker with END_TRANSACTION).</summary>
    public TransactionState State { get; }
}
