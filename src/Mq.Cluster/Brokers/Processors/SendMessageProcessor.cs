using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Processors;

/// <summary>
/// SEND_MESSAGE (V1 keys), SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE (RocketMQ <c>SendMessageProcessor</c> +
/// <c>AbstractSendMessageProcessor.msgCheck</c>): validation, topic auto-creation from TBW102, the %RETRY% →
/// %DLQ% redirect, flow control, the put (durable first with SYNC_FLUSH) and the response extFields
/// msgId/queueId/queueOffset/MSG_REGION/TRACE_ON.
/// </summary>
internal sealed partial class SendMessageProcessor(Broker broker) : IBrokerProcessor
{
    // Per-request state is pooled: a steady stream of sends allocates no header or message objects.
    private readonly ConcurrentQueue<SendContext> _pool = new();
    private readonly byte[] _clusterUtf8 = Encoding.UTF8.GetBytes(broker.Options.BrokerClusterName);
    private readonly byte[] _regionUtf8 = Encoding.UTF8.GetBytes(broker.Options.RegionId);

    public void Register(RemotingServer server)
    {
        server.RegisterHandler(RequestCode.SendMessage, this);
        server.RegisterHandler(RequestCode.SendMessageV2, this);
        server.RegisterHandler(RequestCode.SendBatchMessage, this);
        server.RegisterHandler(RequestCode.SendReplyMessage, this);
        server.RegisterHandler(RequestCode.SendReplyMessageV2, this);
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        BrokerMetrics? metrics = broker.Metrics;
        long started = metrics is { TimesSends: true } ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        if (!broker.TryEnterSend())
        {
            string remark = $"[TIMEOUT_CLEAN_QUEUE]broker busy, start flow control for a while, period in queue: 0ms, size of queue: {broker.InFlightSends}";
            BrokerLog.FlowControl(broker.Logger, remark);
            return Answered(Busy(request, remark), metrics, started);
        }
        if (broker.Store.CommitLogMaxOffset - broker.Store.CommitLogFlushedOffset > broker.Options.MaxUnflushedBytes)
        {
            broker.ExitSend();
            const string Remark = "[PC_SYNCHRONIZED]broker busy, start flow control for a while";
            BrokerLog.FlowControl(broker.Logger, Remark);
            return Answered(Busy(request, Remark), metrics, started);
        }
        if (!_pool.TryDequeue(out SendContext? context))
        {
            context = new SendContext();
        }
        bool async = false;
        try
        {
            ValueTask<RemotingCommand?> result = request.Code switch
            {
                RequestCode.SendBatchMessage => SendBatch(connection, request, context, cancellationToken),
                RequestCode.SendReplyMessage or RequestCode.SendReplyMessageV2 => Reply(connection, request, context, cancellationToken),
                _ => Send(connection, request, context, cancellationToken),
            };
            if (result.IsCompletedSuccessfully)
            {
                return Answered(result.Result, metrics, started);
            }
            async = true;
            return Complete(result, context, metrics, started);
        }
        finally
        {
            if (!async)
            {
                Release(context);
            }
        }
    }

    private async ValueTask<RemotingCommand?> Complete(ValueTask<RemotingCommand?> pending, SendContext context, BrokerMetrics? metrics, long started)
    {
        try
        {
            RemotingCommand? response = await pending.ConfigureAwait(false);
            metrics?.SendAnswered(response, started);
            return response;
        }
        finally
        {
            Release(context);
        }
    }

    private static ValueTask<RemotingCommand?> Answered(RemotingCommand? response, BrokerMetrics? metrics, long started)
    {
        metrics?.SendAnswered(response, started);
        return new ValueTask<RemotingCommand?>(response);
    }

    private void Release(SendContext context)
    {
        context.Reset();
        _pool.Enqueue(context);
        broker.ExitSend();
    }

    private static RemotingCommand Busy(RemotingCommand request, string remark) =>
        RemotingCommand.CreateResponse(request, ResponseCode.SystemBusy, remark);

    /// <summary>Checks shared by single and batch sends (RocketMQ <c>msgCheck</c>); null when the topic may be written.</summary>
    private RemotingCommand? Check(RemotingConnection connection, RemotingCommand request, SendMessageRequestHeader header, out TopicConfig? topic)
    {
        topic = null;
        if (!PermName.IsWriteable(broker.Options.BrokerPermission))
        {
            return Fail(request, ResponseCode.NoPermission, $"the broker[{broker.Address}] sending message is forbidden");
        }
        if (header.Topic.Length > TopicValidator.MaxTopicLength)
        {
            return Fail(request, ResponseCode.MessageIllegal, $"message topic length too long {header.Topic.Length}");
        }
        if (TopicValidator.Validate(header.Topic) is { } invalid)
        {
            return Fail(request, ResponseCode.SystemError, invalid);
        }
        if (TopicValidator.IsNotAllowedSendTopic(header.Topic))
        {
            return Fail(request, ResponseCode.NoPermission, $"Sending message to topic[{header.Topic}] is forbidden.");
        }
        topic = broker.Topics.Find(header.Topic);
        if (topic is null)
        {
            int topicSysFlag = header.UnitMode == true ? 1 : 0;
            // Deliberate deviation: RocketMQ 4.9 tries TBW102 first, so with auto-creation on an unknown
            // %RETRY% topic gets the producer's queue count; retry topics always have one queue (§3.3).
            topic = TopicValidator.IsRetryTopic(header.Topic)
                ? broker.Topics.CreateTopicIfAbsent(header.Topic, 1, PermName.Read | PermName.Write, topicSysFlag)
                : broker.Topics.CreateTopicInSendMessageMethod(header.Topic, header.DefaultTopic, connection.RemoteAddress, header.DefaultTopicQueueNums, topicSysFlag);
            if (topic is null)
            {
                return Fail(request, ResponseCode.TopicNotExist, $"topic[{header.Topic}] not exist, apply first please!");
            }
        }
        if (!PermName.IsWriteable(topic.Perm))
        {
            return Fail(request, ResponseCode.NoPermission, $"the topic[{header.Topic}] sending message is forbidden");
        }
        int queueIdLimit = Math.Max(topic.WriteQueueNums, topic.ReadQueueNums);
        if (header.QueueId >= queueIdLimit)
        {
            return Fail(request, ResponseCode.SystemError,
                $"request queueId[{header.QueueId}] is illegal, topic:[{header.Topic}] topicConfig.writeQueueNums:[{topic.WriteQueueNums}] consumer:[{connection.RemoteAddress}]");
        }
        return null;
    }

    private static RemotingCommand Fail(RemotingCommand request, int code, string remark) => RemotingCommand.CreateResponse(request, code, remark);

    /// <summary>A send response with the extFields Java clients read unconditionally.</summary>
    private RemotingCommand Response(RemotingCommand request, int code, string? remark)
    {
        RemotingCommand response = RemotingCommand.CreateResponse(request, code, remark);
        response.ExtFields.Add("MSG_REGION"u8, _regionUtf8);
        response.ExtFields.Add("TRACE_ON"u8, broker.Options.TraceOn);
        return response;
    }

    /// <summary>The response for an append outcome (RocketMQ <c>handlePutMessageResult</c>).</summary>
    private RemotingCommand PutResponse(RemotingCommand request, string topic, in AppendResult result, int queueId, string? batchIds)
    {
        (int code, string? remark) = result.Status switch
        {
            PutMessageStatus.PutOk => (ResponseCode.Success, null),
            PutMessageStatus.FlushDiskTimeout => (ResponseCode.FlushDiskTimeout, null),
            PutMessageStatus.FlushSlaveTimeout => (ResponseCode.FlushSlaveTimeout, null),
            PutMessageStatus.SlaveNotAvailable => (ResponseCode.SlaveNotAvailable, null),
            PutMessageStatus.ServiceNotAvailable => (ResponseCode.ServiceNotAvailable, ServiceNotAvailableRemark()),
            PutMessageStatus.CreateMappedFileFailed => (ResponseCode.SystemError, "create mapped file failed, server is busy or broken."),
            PutMessageStatus.MessageIllegal or PutMessageStatus.PropertiesSizeExceeded =>
                (ResponseCode.MessageIllegal, "the message is illegal, maybe msg body or properties length not matched. msg body length limit 128k, msg properties length limit 32k."),
            // 4.9 answers SYSTEM_ERROR here (5.x moved to SYSTEM_BUSY); clients retry another broker either way.
            PutMessageStatus.OsPageCacheBusy => (ResponseCode.SystemError, "[PC_SYNCHRONIZED]broker busy, start flow control for a while"),
            _ => (ResponseCode.SystemError, "UNKNOWN_ERROR"),
        };
        RemotingCommand response = Response(request, code, remark);
        if (result.IsStored)
        {
            CountStored(topic, result);
            ExtFields fields = response.ExtFields;
            if (batchIds is not null)
            {
                fields.Add("msgId"u8, batchIds);
            }
            else
            {
                Span<char> id = stackalloc char[OffsetMessageId.IPv6Length];
                int length = OffsetMessageId.Write(id, broker.StoreHost, result.WroteOffset);
                Span<byte> utf8 = stackalloc byte[OffsetMessageId.IPv6Length];
                int bytes = Encoding.ASCII.GetBytes(id[..length], utf8);
                fields.Add("msgId"u8, utf8[..bytes]);
            }
            fields.Add("queueId"u8, queueId);
            fields.Add("queueOffset"u8, result.QueueOffset);
        }
        return response;
    }

    /// <summary>Counts a stored send or reply in the runtime info, the meter and the stats items.</summary>
    private void CountStored(string topic, in AppendResult result)
    {
        int stored = Math.Max(1, result.MessageCount);
        Interlocked.Add(ref broker.Stats.PutMessages, stored);
        broker.Metrics?.Stored(topic, stored);
        broker.StatsItems.Stored(topic, stored, result.WroteBytes);
    }

    /// <summary>
    /// RocketMQ's SERVICE_NOT_AVAILABLE remark, disk usage formatted like its <c>diskUtil()</c> (one volume holds the
    /// commit log, queues and index here, so the three figures agree); deliberate addition: the store's actual reason.
    /// </summary>
    private string ServiceNotAvailableRemark()
    {
        double ratio = broker.Store.DiskUsedRatio;
        string used = double.IsNaN(ratio) ? "-1.00" : ratio.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture).PadLeft(5);
        return "service not available now. It may be caused by one of the following reasons: the broker's disk is full [CL: "
            + used + " CQ: " + used + " INDEX: " + used + "], messages are put to the slave, message store has been shut down, etc. (store refuses writes: "
            + broker.Store.WriteRefusal.ToString() + ")";
    }

    /// <summary>Pooled per-request state.</summary>
    private sealed class SendContext
    {
        public SendMessageRequestHeader Header { get; } = new();

        public MessageToStore Message { get; } = new();

        public MessageBatchToStore Batch { get; } = new();

        public byte[]? Properties { get; set; }

        public void Reset()
        {
            Message.Body = default;
            Message.Properties = default;
            Batch.Body = default;
            Batch.ExtraProperties = default;
            Header.Properties = default;
            if (Properties is not null)
            {
                ArrayPool<byte>.Shared.Return(Properties);
                Properties = null;
            }
        }
    }
}
