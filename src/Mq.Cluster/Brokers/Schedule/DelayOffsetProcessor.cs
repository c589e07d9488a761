using Mq.Brokers.Processors;
using Mq.Protocol;
using Mq.Transport;

namespace Mq.Brokers.Schedule;

/// <summary>
/// GET_ALL_DELAY_OFFSET (RocketMQ <c>AdminBrokerProcessor.getAllDelayOffset</c>): the delay-level progress a
/// slave copies, as the JSON of <c>config/delayOffset.json</c>. Served from the live table, which is what the
/// file holds after its next write.
/// </summary>
internal sealed class DelayOffsetProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server) => server.RegisterHandler(RequestCode.GetAllDelayOffset, this);

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.SetBody(broker.Schedule.Snapshot().Encode());
        return new ValueTask<RemotingCommand?>(response);
    }
}
