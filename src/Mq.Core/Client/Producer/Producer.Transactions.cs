using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Headers;

namespace Mq.Client;

// Transactional send (RocketMQ TransactionMQProducer / DefaultMQProducerImpl.sendMessageInTransaction, §9.3).
public sealed partial class Producer
{
    private const int CommitType = 8;
    private const int RollbackType = 12;

    /// <summary>
    /// Sends <paramref name="message"/> as a half message, runs <paramref name="localTransaction"/> and tells
    /// the broker to commit or roll back (END_TRANSACTION, oneway). <see cref="TransactionState.Unknown"/> (or
    /// an exception in the delegate) leaves the decision to <see cref="TransactionCheckHandler"/>.
    /// </summary>
    public async Task<TransactionSendResult> SendInTransactionAsync(Message message,
        Func<Message, CancellationToken, ValueTask<TransactionState>> localTransaction, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(localTransaction);
        ArgumentNullException.ThrowIfNull(message);
        // Delay is ignored for half messages (Java clears it).
        message.RemoveProperty(MessageConst.DelayTimeLevel);
        message.SetPropertyInternal(MessageConst.TransactionPrepared, "true");
        message.SetPropertyInternal(MessageConst.ProducerGroup, Options.ProducerGroup);
        OutgoingMessage outgoing = Prepare(message, MessageSysFlag.TransactionPreparedType);
        SendResult result = (await SendKernelWithRetriesAsync(outgoing, null, oneway: false, cancellationToken, releaseMessage: true).ConfigureAwait(false))!;
        TransactionState state = TransactionState.Rollback;
        string? remark = null;
        if (result.Status == SendStatus.SendOk)
        {
            try
            {
                state = await localTransaction(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state = TransactionState.Unknown;
                remark = "executeLocalTransactionBranch exception: " + ex.Message;
            }
        }
        string? endedAt = await EndTransactionAsync(result.Queue.BrokerName, result.OffsetMessageId, result.QueueOffset, result.MessageId,
            result.TransactionId ?? result.MessageId, state, fromCheck: false, remark, address: null).ConfigureAwait(false);
        if (endedAt is not null)
        {
            TraceEndTransaction(message.Topic, message.Tags, message.Keys, message.Property(MessageConst.MessageRegion), endedAt, result.MessageId,
                result.TransactionId ?? result.MessageId, state, fromCheck: false);
        }
        return new TransactionSendResult(result, state);
    }

    internal async Task CheckTransactionStateAsync(string address, CheckTransactionStateRequestHeader header, ReceivedMessage message)
    {
        Func<ReceivedMessage, CancellationToken, ValueTask<TransactionState>>? handler = TransactionCheckHandler;
        if (handler is null)
        {
            return;
        }
        TransactionState state;
        string? remark = null;
        try
        {
            state = await handler(message, _client.Stopping).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _client.Logger.TransactionCheckFailed(ex, header.MsgId);
            state = TransactionState.Unknown;
            remark = "checkLocalTransactionState exception: " + ex.Message;
        }
        string uniqueId = message.Property(MessageConst.UniqueClientMessageIdKeyIndex) ?? header.MsgId ?? message.MessageId;
        string? endedAt = await EndTransactionAsync(null, header.OffsetMsgId ?? message.OffsetMessageId, header.TranStateTableOffset, uniqueId,
            header.TransactionId ?? uniqueId, state, fromCheck: true, remark, address).ConfigureAwait(false);
        if (endedAt is not null)
        {
            TraceEndTransaction(message.Topic, message.Tags, message.Keys, message.Property(MessageConst.MessageRegion), endedAt, uniqueId,
                header.TransactionId ?? uniqueId, state, fromCheck: true);
        }
    }

    /// <summary>Sends END_TRANSACTION; returns the broker address it went to, null when there was none to send to.</summary>
    private async Task<string?> EndTransactionAsync(string? brokerName, string offsetMessageId, long queueOffset, string messageId, string transactionId,
        TransactionState state, bool fromCheck, string? remark, string? address)
    {
        if (!OffsetMessageId.TryParse(offsetMessageId, out _, out long commitLogOffset))
        {
            return null;
        }
        address ??= brokerName is null ? null : _client.FindMasterAddress(brokerName);
        if (address is null)
        {
            return null;
        }
        var header = new EndTransactionRequestHeader
        {
            ProducerGroup = Options.ProducerGroup,
            TranStateTableOffset = queueOffset,
            CommitLogOffset = commitLogOffset,
            CommitOrRollback = state switch { TransactionState.Commit => CommitType, TransactionState.Rollback => RollbackType, _ => 0 },
            FromTransactionCheck = fromCheck,
            MsgId = messageId,
            TransactionId = transactionId,
        };
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.EndTransaction, header);
        request.Remark = remark;
        await _client.InvokeOnewayAsync(address, request, CancellationToken.None).ConfigureAwait(false);
        return address;
    }
}
