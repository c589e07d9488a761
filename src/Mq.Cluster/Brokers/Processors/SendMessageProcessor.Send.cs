using System.Buffers;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Processors;

internal sealed partial class SendMessageProcessor
{
    private ValueTask<RemotingCommand?> Send(RemotingConnection connection, RemotingCommand request, SendContext context, CancellationToken cancellationToken)
    {
        var header = context.Header;
        if (DecodeAndCheck(connection, request, header, out TopicConfig? topic) is { } refused)
        {
            return new ValueTask<RemotingCommand?>(refused);
        }
        string topicName = header.Topic;
        int queueId = header.QueueId < 0 ? Random.Shared.Next(topic!.WriteQueueNums) : header.QueueId;
        int reconsumeTimes = header.ReconsumeTimes ?? 0;
        if (TopicValidator.IsRetryTopic(topicName))
        {
            // RocketMQ handleRetryTopic: past the group's limit a retry goes to the dead-letter topic.
            string group = topicName[TopicValidator.RetryGroupTopicPrefix.Length..];
            SubscriptionGroupConfig? groupConfig = broker.Groups.FindOrCreate(group);
            if (groupConfig is null)
            {
                return Done(Response(request, ResponseCode.SubscriptionGroupNotExist, $"subscription group not exist, {group}"));
            }
            int maxReconsumeTimes = request.Version >= RemotingVersion.V3_4_9 && header.MaxReconsumeTimes is { } max ? max : groupConfig.RetryMaxTimes;
            if (reconsumeTimes >= maxReconsumeTimes)
            {
                topicName = TopicValidator.DlqTopic(group);
                TopicConfig dlq = broker.Topics.CreateTopicIfAbsent(topicName, 1, PermName.Read | PermName.Write);
                if (!PermName.IsWriteable(dlq.Perm))
                {
                    return Done(Response(request, ResponseCode.NoPermission, $"the topic[{topicName}] sending message is forbidden"));
                }
                queueId = 0;
            }
        }
        int sysFlag = header.SysFlag;
        if (topic!.TopicFilterType == TopicFilterType.MultiTag)
        {
            sysFlag |= MessageSysFlag.MultiTags;
        }
        byte[] properties = ArrayPool<byte>.Shared.Rent(SendProperties.MaxLength(header.Properties.Length, _clusterUtf8.Length));
        context.Properties = properties;
        int propertiesLength = SendProperties.Rewrite(header.Properties.Span, _clusterUtf8, stripWait: true, properties);
        if (propertiesLength > MessageProperties.MaxLength)
        {
            return Done(Response(request, ResponseCode.MessageIllegal, $"the message properties size {propertiesLength} is over the limit {MessageProperties.MaxLength}"));
        }
        MessageToStore message = context.Message;
        message.Topic = topicName;
        message.QueueId = queueId;
        message.Flag = header.Flag;
        message.SysFlag = sysFlag;
        message.BornTimestamp = header.BornTimestamp;
        message.BornHost = BornHost(connection);
        message.StoreHost = broker.StoreHost;
        message.ReconsumeTimes = reconsumeTimes;
        message.PreparedTransactionOffset = 0;
        message.Body = request.Body;
        message.Properties = properties.AsMemory(0, propertiesLength);
        ValueTask<AppendResult> put = broker.PutMessageAsync(message, out int hookCode, out string? hookRemark, cancellationToken,
            broker.Options.BrokerRole != BrokerRole.SyncMaster || Broker.WaitStoreMsgOk(header.Properties));
        if (hookCode != 0)
        {
            return Done(Response(request, hookCode, hookRemark));
        }
        if (put.IsCompletedSuccessfully)
        {
            AppendResult result = put.Result;
            return Done(PutResponse(request, topicName, result, queueId, null));
        }
        return AwaitPut(put, request, topicName, queueId);
    }

    /// <summary>Decodes a single-message send or reply and checks it (topic, permissions, body and properties sizes); null when it may be stored.</summary>
    private RemotingCommand? DecodeAndCheck(RemotingConnection connection, RemotingCommand request, SendMessageRequestHeader header, out TopicConfig? topic)
    {
        header.Decode(request.Code, request.ExtFields);
        if (Check(connection, request, header, out topic) is { } refused)
        {
            return refused;
        }
        if (request.Body.Length > broker.Options.MaxMessageSize)
        {
            return Response(request, ResponseCode.MessageIllegal, $"the message body size {request.Body.Length} is over the limit {broker.Options.MaxMessageSize}");
        }
        return header.Properties.Length > MessageProperties.MaxLength
            ? Response(request, ResponseCode.MessageIllegal, $"the message properties size {header.Properties.Length} is over the limit {MessageProperties.MaxLength}")
            : null;
    }

    private ValueTask<RemotingCommand?> SendBatch(RemotingConnection connection, RemotingCommand request, SendContext context, CancellationToken cancellationToken)
    {
        var header = context.Header;
        header.Decode(request.Code, request.ExtFields);
        if (Check(connection, request, header, out TopicConfig? topic) is { } refused)
        {
            return new ValueTask<RemotingCommand?>(refused);
        }
        if (TopicValidator.IsRetryTopic(header.Topic))
        {
            return Done(Response(request, ResponseCode.MessageIllegal, "batch request does not support retry group " + header.Topic));
        }
        if (MessageProperties.TryGetValue(header.Properties.Span, "DELAY"u8, out ReadOnlySpan<byte> delay)
            && System.Buffers.Text.Utf8Parser.TryParse(delay, out int level, out _) && level > 0)
        {
            // As 4.9's putMessages: a batch is stored as-is, so it cannot be rerouted through the delay queues.
            return Done(Response(request, ResponseCode.MessageIllegal, "batch message does not support delay level " + level.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (request.Body.Length > broker.Options.MaxMessageSize)
        {
            return Done(Response(request, ResponseCode.MessageIllegal, $"the batch body size {request.Body.Length} is over the limit {broker.Options.MaxMessageSize}"));
        }
        byte[] properties = ArrayPool<byte>.Shared.Rent(SendProperties.MaxLength(header.Properties.Length, _clusterUtf8.Length));
        context.Properties = properties;
        // Batch-level properties (e.g. WAIT) are appended to every inner message; RocketMQ keeps WAIT there.
        int propertiesLength = SendProperties.Rewrite(header.Properties.Span, _clusterUtf8, stripWait: false, properties);
        MessageBatchToStore batch = context.Batch;
        batch.Topic = header.Topic;
        batch.QueueId = header.QueueId < 0 ? Random.Shared.Next(topic!.WriteQueueNums) : header.QueueId;
        batch.SysFlag = header.SysFlag;
        batch.BornTimestamp = header.BornTimestamp;
        batch.BornHost = BornHost(connection);
        batch.StoreHost = broker.StoreHost;
        batch.ReconsumeTimes = header.ReconsumeTimes ?? 0;
        batch.Body = request.Body;
        batch.ExtraProperties = properties.AsMemory(0, propertiesLength);
        ValueTask<AppendResult> put = broker.PutMessagesAsync(batch, cancellationToken);
        if (put.IsCompletedSuccessfully)
        {
            AppendResult result = put.Result;
            return Done(PutResponse(request, batch.Topic, result, batch.QueueId, result.IsStored ? broker.Store.BatchOffsetMessageIds(result, broker.StoreHost) : null));
        }
        return AwaitBatch(put, request, batch.Topic, batch.QueueId);
    }

    private async ValueTask<RemotingCommand?> AwaitPut(ValueTask<AppendResult> put, RemotingCommand request, string topic, int queueId)
    {
        AppendResult result = await put.ConfigureAwait(false);
        return PutResponse(request, topic, result, queueId, null);
    }

    private async ValueTask<RemotingCommand?> AwaitBatch(ValueTask<AppendResult> put, RemotingCommand request, string topic, int queueId)
    {
        AppendResult result = await put.ConfigureAwait(false);
        return PutResponse(request, topic, result, queueId, result.IsStored ? broker.Store.BatchOffsetMessageIds(result, broker.StoreHost) : null);
    }

    private static ValueTask<RemotingCommand?> Done(RemotingCommand response) => new(response);

    /// <summary>The producer's address as stored (IPv4-mapped peers stored as IPv4, §4.1).</summary>
    private static MessageHost BornHost(RemotingConnection connection) =>
        connection.RemoteEndPoint is System.Net.IPEndPoint endPoint ? MessageHost.From(endPoint) : default;
}
