using Mq.Protocol;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Broker.Processors;

/// <summary>QUERY_MESSAGE (by key and time range) and VIEW_MESSAGE_BY_ID (RocketMQ <c>QueryMessageProcessor</c>).</summary>
internal sealed class QueryMessageProcessor(Broker broker) : IBrokerProcessor
{
    /// <summary>RocketMQ's <c>maxMsgsNumBatch</c>: the most records one query returns.</summary>
    private const int MaxMessagesPerQuery = 64;

    public void Register(RemotingServer server)
    {
        server.RegisterHandler(RequestCode.QueryMessage, this);
        server.RegisterHandler(RequestCode.ViewMessageById, this);
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken) =>
        new(request.Code == RequestCode.QueryMessage ? Query(request) : View(request));

    private RemotingCommand Query(RemotingCommand request)
    {
        ExtFields fields = request.ExtFields;
        string topic = fields.GetRequiredString("topic"u8);
        string key = fields.GetRequiredString("key"u8);
        int maxNum = fields.GetRequiredInt32("maxNum"u8);
        long begin = fields.GetRequiredInt64("beginTimestamp"u8);
        long end = fields.GetRequiredInt64("endTimestamp"u8);
        if (fields.GetString("_UNIQUE_KEY_QUERY"u8) == "true")
        {
            maxNum = broker.Options.DefaultQueryMaxNum;
        }
        maxNum = Math.Clamp(maxNum, 1, MaxMessagesPerQuery);
        QueryMessageResult result = broker.Store.QueryMessages(topic, key, maxNum, begin, end);
        RemotingCommand response;
        if (result.Messages.Count == 0)
        {
            response = RemotingCommand.CreateResponse(request, ResponseCode.QueryNotFound, "can not find message, maybe time range not correct");
        }
        else
        {
            response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        }
        response.ExtFields.Add("indexLastUpdateTimestamp"u8, result.IndexLastUpdateTimestamp);
        response.ExtFields.Add("indexLastUpdatePhyoffset"u8, result.IndexLastUpdatePhyOffset);
        if (result.Messages.Count == 0)
        {
            result.Dispose();
            return response;
        }
        int total = 0;
        foreach (ReadOnlyMemory<byte> message in result.Messages)
        {
            total += message.Length;
        }
        response.SetBody(result.Messages, total, result);
        return response;
    }

    private RemotingCommand View(RemotingCommand request)
    {
        long offset = request.ExtFields.GetRequiredInt64("offset"u8);
        StoredMessage? message = offset < 0 ? null : broker.Store.ReadMessage(offset);
        if (message is null)
        {
            return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "can not find message by the offset, " + offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.SetBody(message.Record, message);
        return response;
    }
}
