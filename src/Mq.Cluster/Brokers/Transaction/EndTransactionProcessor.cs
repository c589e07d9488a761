using Mq.Brokers.Processors;
using Mq.Brokers.Schedule;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Transaction;

/// <summary>
/// END_TRANSACTION (RocketMQ 4.9 <c>EndTransactionProcessor</c>): the producer's verdict on a half message.
/// Commit re-puts it to its real topic (REAL_TOPIC/REAL_QID and TRAN_MSG removed, transaction bits COMMIT,
/// preparedTransactionOffset = the half message's commit-log offset) and writes an op record; rollback writes
/// the op record only; UNKNOWN (NOT_TYPE) is ignored, left to the check-back service. Producers usually send
/// this oneway, and then get no answer.
/// </summary>
internal sealed class EndTransactionProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server) => server.RegisterHandler(RequestCode.EndTransaction, this);

    public async ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        RemotingCommand? response = await EndAsync(request, cancellationToken).ConfigureAwait(false);
        return request.IsOneway ? null : response;
    }

    private async ValueTask<RemotingCommand?> EndAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        if (broker.Options.BrokerRole == BrokerRole.Slave)
        {
            return Fail(request, ResponseCode.SlaveNotAvailable, "Slave broker can't end transaction");
        }
        var header = new EndTransactionRequestHeader();
        header.Decode(request.ExtFields);
        int type = header.CommitOrRollback;
        if (type != MessageSysFlag.TransactionCommitType && type != MessageSysFlag.TransactionRollbackType)
        {
            // TRANSACTION_NOT_TYPE (unknown) or anything else: nothing to do, RocketMQ answers nothing.
            return null;
        }
        DecodedMessage half;
        using (StoredMessage? found = header.CommitLogOffset < 0 ? null : broker.Store.ReadMessage(header.CommitLogOffset))
        {
            if (found is null)
            {
                return Fail(request, ResponseCode.SystemError, "Find prepared transaction message failed");
            }
            half = found.Decode();
        }
        if (!half.Properties.TryGetValue(MessageConst.ProducerGroup, out string? group) || group != header.ProducerGroup)
        {
            return Fail(request, ResponseCode.SystemError, "The producer group wrong");
        }
        if (half.QueueOffset != header.TranStateTableOffset)
        {
            return Fail(request, ResponseCode.SystemError, "The transaction state table offset wrong");
        }
        if (half.CommitLogOffset != header.CommitLogOffset)
        {
            return Fail(request, ResponseCode.SystemError, "The commit log offset wrong");
        }
        if (type == MessageSysFlag.TransactionCommitType)
        {
            RemotingCommand final = await CommitAsync(request, half, cancellationToken).ConfigureAwait(false);
            if (final.Code != ResponseCode.Success)
            {
                return final;
            }
        }
        await broker.Transactions.PutOpAsync(half.QueueOffset, cancellationToken).ConfigureAwait(false);
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private async ValueTask<RemotingCommand> CommitAsync(RemotingCommand request, DecodedMessage half, CancellationToken cancellationToken)
    {
        Dictionary<string, string> properties = StoredMessageCopy.Properties(half);
        if (!StoredMessageCopy.TryRealDestination(properties, remove: true, out string? topic, out int queueId))
        {
            return Fail(request, ResponseCode.SystemError, "The half message has no REAL_TOPIC/REAL_QID");
        }
        properties.Remove(MessageConst.TransactionPrepared);
        properties[MessageConst.WaitStoreMsgOk] = "false";
        MessageToStore message = StoredMessageCopy.Create(half, properties, topic, queueId, broker.StoreHost);
        message.SysFlag = (half.SysFlag & ~MessageSysFlag.TransactionTypeMask) | MessageSysFlag.TransactionCommitType;
        message.PreparedTransactionOffset = half.CommitLogOffset;
        AppendResult result = await broker.PutMessageAsync(message, out int refused, out string? remark, cancellationToken).ConfigureAwait(false);
        if (refused != 0)
        {
            return Fail(request, refused, remark ?? "refused");
        }
        // RocketMQ EndTransactionProcessor.sendFinalMessage: the put status mapped to a response code.
        (int code, string? text) = result.Status switch
        {
            PutMessageStatus.PutOk or PutMessageStatus.FlushDiskTimeout or PutMessageStatus.FlushSlaveTimeout or PutMessageStatus.SlaveNotAvailable
                => (ResponseCode.Success, null),
            PutMessageStatus.CreateMappedFileFailed => (ResponseCode.SystemError, "Create mapped file failed."),
            PutMessageStatus.MessageIllegal or PutMessageStatus.PropertiesSizeExceeded =>
                (ResponseCode.MessageIllegal, "The message is illegal, maybe msg body or properties length not matched. msg body length limit 128k, msg properties length limit 32k."),
            PutMessageStatus.ServiceNotAvailable => (ResponseCode.ServiceNotAvailable, "Service not available now."),
            PutMessageStatus.OsPageCacheBusy => (ResponseCode.SystemError, "OS page cache busy, please try another machine"),
            _ => (ResponseCode.SystemError, "UNKNOWN_ERROR DEFAULT"),
        };
        return RemotingCommand.CreateResponse(request, code, text);
    }

    private static RemotingCommand Fail(RemotingCommand request, int code, string remark) => RemotingCommand.CreateResponse(request, code, remark);
}
