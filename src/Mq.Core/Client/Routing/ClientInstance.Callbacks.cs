using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Client;

// Broker → client requests (RocketMQ ClientRemotingProcessor, §3.5).
internal sealed partial class ClientInstance
{
    private void RegisterCallbacks()
    {
        Remoting.RegisterHandler(RequestCode.NotifyConsumerIdsChanged, (_, request, _) =>
        {
            Consumer?.RequestRebalance();
            return new ValueTask<RemotingCommand?>(request.IsOneway ? null : RemotingCommand.CreateResponse(request, ResponseCode.Success));
        });
        Remoting.RegisterHandler(RequestCode.CheckTransactionState, (connection, request, cancellationToken) =>
        {
            Producer? producer = Producer;
            if (producer is not null)
            {
                var header = request.DecodeHeader<CheckTransactionStateRequestHeader>();
                ReceivedMessage message = ReceivedMessage.Decode(request.Body.Span, header.Bname ?? string.Empty);
                // The check runs off the receive loop: the application's handler may take its time.
                _ = Task.Run(() => producer.CheckTransactionStateAsync(connection.RemoteAddress, header, message), CancellationToken.None);
            }
            return new ValueTask<RemotingCommand?>(request.IsOneway ? null : RemotingCommand.CreateResponse(request, ResponseCode.Success));
        });
        Remoting.RegisterHandler(RequestCode.ResetConsumerClientOffset, (_, request, _) =>
        {
            var header = request.DecodeHeader<ResetOffsetRequestHeader>();
            IClientConsumer? consumer = Consumer;
            if (consumer is not null && request.Body.Length > 0 && string.Equals(consumer.Group, header.Group, StringComparison.Ordinal))
            {
                ResetOffsetBody body = ResetOffsetBody.Decode(request.Body.Span);
                consumer.ResetOffsets(header.Topic, body.OffsetTable);
            }
            return new ValueTask<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.Success));
        });
        // Admin tools (mqadmin consumerStatus, the dashboard's client view) through the broker. No thread dump:
        // jstackEnable is ignored.
        Remoting.RegisterHandler(RequestCode.GetConsumerRunningInfo, (_, request, _) =>
        {
            var header = request.DecodeHeader<GetConsumerRunningInfoRequestHeader>();
            IClientConsumer? consumer = Consumer;
            if (consumer is null || !string.Equals(consumer.Group, header.ConsumerGroup, StringComparison.Ordinal))
            {
                return new ValueTask<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.SystemError,
                    $"The Consumer Group <{header.ConsumerGroup}> not exist in this consumer"));
            }
            RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
            response.SetBody(consumer.RunningInfo().Encode());
            return new ValueTask<RemotingCommand?>(response);
        });
        // Request-reply: the broker pushes a consumer's reply to the producer that sent the request (RocketMQ
        // ClientRemotingProcessor.receiveReplyMessage). A reply nobody waits for any more (timed out) is dropped.
        Remoting.RegisterHandler(RequestCode.PushReplyMessageToClient, (connection, request, _) =>
        {
            var header = request.DecodeHeader<ReplyMessageRequestHeader>();
            ReceivedMessage reply;
            try
            {
                reply = ReceivedMessage.FromReply(header, request.Body.Span, Time.GetUtcNow().ToUnixTimeMilliseconds());
            }
            catch (InvalidDataException ex)
            {
                return new ValueTask<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "process reply message fail: " + ex.Message));
            }
            if (reply.Property(MessageConst.CorrelationId) is { } correlationId && ReplyWaiters.TryRemove(correlationId, out TaskCompletionSource<ReceivedMessage>? waiter))
            {
                waiter.TrySetResult(reply);
            }
            else
            {
                Logger.ReplyUnmatched(reply.Property(MessageConst.CorrelationId), connection.RemoteAddress);
            }
            return new ValueTask<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.Success));
        });
        // INVOKE_BROKER_TO_GET_CONSUMER_STATUS (mqadmin getConsumerStatus) asks every consumer of the group for this.
        Remoting.RegisterHandler(RequestCode.GetConsumerStatusFromClient, (_, request, _) =>
        {
            var header = request.DecodeHeader<GetConsumerStatusRequestHeader>();
            IClientConsumer? consumer = Consumer;
            var body = new GetConsumerStatusBody();
            if (consumer is not null && string.Equals(consumer.Group, header.Group, StringComparison.Ordinal))
            {
                body.MessageQueueTable = consumer.OffsetsOf(header.Topic);
            }
            RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
            response.SetBody(body.Encode());
            return new ValueTask<RemotingCommand?>(response);
        });
        Remoting.RegisterHandler(RequestCode.ConsumeMessageDirectly, (_, request, cancellationToken) =>
        {
            var header = request.DecodeHeader<ConsumeMessageDirectlyResultRequestHeader>();
            IClientConsumer? consumer = Consumer;
            byte[] record = request.Body.ToArray();
            // The application's handler runs off the receive loop (Java: the client's callback executor).
            return new ValueTask<RemotingCommand?>(Task.Run(async () =>
            {
                ConsumeMessageDirectlyResult? result;
                try
                {
                    result = consumer is not null && string.Equals(consumer.Group, header.ConsumerGroup, StringComparison.Ordinal)
                        ? await consumer.ConsumeDirectlyAsync(record, header.BrokerName ?? string.Empty, cancellationToken).ConfigureAwait(false)
                        : null;
                }
                catch (InvalidDataException ex)
                {
                    return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "The message body is not a stored message: " + ex.Message);
                }
                if (result is null)
                {
                    return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, $"The Message <{header.MsgId}> not exist in this consumer");
                }
                RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
                response.SetBody(result.Encode());
                return (RemotingCommand?)response;
            }, CancellationToken.None));
        });
    }
}
