using Mq.Brokers.Processors;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Transport;

namespace Mq.Brokers.Locks;

/// <summary>
/// LOCK_BATCH_MQ and UNLOCK_BATCH_MQ (RocketMQ <c>AdminBrokerProcessor.lockBatchMQ/unlockBatchMQ</c>): orderly
/// consumers lock the queues they process. The lock response lists the queues the requester now holds
/// (<c>LockBatchResponseBody</c>); unlocks are often sent oneway and get no answer then.
/// </summary>
internal sealed class QueueLockProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server)
    {
        server.RegisterHandler(RequestCode.LockBatchMq, this);
        server.RegisterHandler(RequestCode.UnlockBatchMq, this);
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        RemotingCommand response;
        if (request.Code == RequestCode.LockBatchMq)
        {
            LockBatchRequestBody body = LockBatchRequestBody.Decode(request.Body.Span);
            List<MessageQueue> locked = broker.QueueLocks.TryLockBatch(body.ConsumerGroup, body.MqSet, body.ClientId);
            response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
            response.SetBody(new LockBatchResponseBody { LockOkMqSet = locked }.Encode());
        }
        else
        {
            UnlockBatchRequestBody body = UnlockBatchRequestBody.Decode(request.Body.Span);
            broker.QueueLocks.UnlockBatch(body.ConsumerGroup, body.MqSet, body.ClientId);
            response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        }
        return new ValueTask<RemotingCommand?>(request.IsOneway ? null : response);
    }
}
