using Mq.Brokers.Clients;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Processors;

/// <summary>
/// Group membership and offsets (RocketMQ <c>ConsumerManageProcessor</c> + the offset queries of
/// <c>AdminBrokerProcessor</c>): GET_CONSUMER_LIST_BY_GROUP, QUERY/UPDATE_CONSUMER_OFFSET, GET_MAX/MIN_OFFSET,
/// SEARCH_OFFSET_BY_TIMESTAMP, GET_EARLIEST_MSG_STORETIME.
/// </summary>
internal sealed class ConsumerManageProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server)
    {
        foreach (int code in (ReadOnlySpan<int>)[
            RequestCode.GetConsumerListByGroup, RequestCode.QueryConsumerOffset, RequestCode.UpdateConsumerOffset,
            RequestCode.GetMaxOffset, RequestCode.GetMinOffset, RequestCode.SearchOffsetByTimestamp, RequestCode.GetEarliestMsgStoretime])
        {
            server.RegisterHandler(code, this);
        }
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        ExtFields fields = request.ExtFields;
        RemotingCommand response = request.Code switch
        {
            RequestCode.GetConsumerListByGroup => ConsumerList(request, fields.GetRequiredString("consumerGroup"u8)),
            RequestCode.QueryConsumerOffset => QueryOffset(request, fields),
            RequestCode.UpdateConsumerOffset => UpdateOffset(request, fields),
            RequestCode.GetMaxOffset => Offset(request, "offset"u8, broker.Store.GetMaxOffsetInQueue(fields.GetRequiredString("topic"u8), fields.GetRequiredInt32("queueId"u8))),
            RequestCode.GetMinOffset => Offset(request, "offset"u8, broker.Store.GetMinOffsetInQueue(fields.GetRequiredString("topic"u8), fields.GetRequiredInt32("queueId"u8))),
            RequestCode.SearchOffsetByTimestamp => Offset(request, "offset"u8, Math.Max(0, broker.Store.GetOffsetInQueueByTime(
                fields.GetRequiredString("topic"u8), fields.GetRequiredInt32("queueId"u8), fields.GetRequiredInt64("timestamp"u8)))),
            _ => Offset(request, "timestamp"u8, broker.Store.GetEarliestMessageTime(fields.GetRequiredString("topic"u8), fields.GetRequiredInt32("queueId"u8))),
        };
        return new ValueTask<RemotingCommand?>(response);
    }

    private RemotingCommand ConsumerList(RemotingCommand request, string group)
    {
        ConsumerGroupInfo? info = broker.Consumers.Find(group);
        List<string>? ids = info?.ClientIds();
        if (ids is null || ids.Count == 0)
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, $"no consumer for this group, {group}");
        }
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.SetBody(new GetConsumerListByGroupResponseBody { ConsumerIdList = ids }.Encode());
        return response;
    }

    /// <summary>
    /// The committed offset; without one, 0 when the queue still starts at offset 0 and that message is still
    /// within the in-memory window (so a new group reads a young queue from the beginning, as 4.9's
    /// checkInDiskByConsumeOffset decides), else QUERY_NOT_FOUND (the client then applies its
    /// consume-from-where policy).
    /// </summary>
    private RemotingCommand QueryOffset(RemotingCommand request, ExtFields fields)
    {
        string group = fields.GetRequiredString("consumerGroup"u8);
        string topic = fields.GetRequiredString("topic"u8);
        int queueId = fields.GetRequiredInt32("queueId"u8);
        long offset = broker.Offsets.Query(group, topic, queueId);
        if (offset < 0 && broker.Store.GetMinOffsetInQueue(topic, queueId) <= 0 && !broker.Store.IsInDisk(topic, queueId, 0))
        {
            offset = 0;
        }
        if (offset < 0)
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.QueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
        }
        return Offset(request, "offset"u8, offset);
    }

    private RemotingCommand UpdateOffset(RemotingCommand request, ExtFields fields)
    {
        // A slave stores it too, as RocketMQ 4.9: clients commit to the slave while the master is away; the
        // slave's metadata copy (putAll of the master's table) and the client's next commit to the returned
        // master reconcile it.
        broker.Offsets.Commit(fields.GetRequiredString("consumerGroup"u8), fields.GetRequiredString("topic"u8),
            fields.GetRequiredInt32("queueId"u8), fields.GetRequiredInt64("commitOffset"u8));
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private static RemotingCommand Offset(RemotingCommand request, ReadOnlySpan<byte> key, long value)
    {
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.ExtFields.Add(key, value);
        return response;
    }
}
