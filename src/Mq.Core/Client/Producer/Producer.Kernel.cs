using System.Diagnostics;
using System.Text;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Client;

// The send kernel: route lookup (with the TBW102 fallback), queue choice, retries and fault avoidance
// (RocketMQ DefaultMQProducerImpl.sendDefaultImpl / sendKernelImpl, §9.3).
public sealed partial class Producer
{
    internal async ValueTask<TopicPublishInfo> FindPublishInfoAsync(string topic, CancellationToken cancellationToken)
    {
        if (_publishInfo.TryGetValue(topic, out TopicPublishInfo? cached) && cached.Queues.Count > 0
            && ReferenceEquals(cached.Route, _client.CachedRoute(topic) ?? cached.Route))
        {
            return cached;
        }
        _client.TrackTopic(topic);
        TopicRouteData? route = _client.CachedRoute(topic) ?? await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false);
        TopicPublishInfo info;
        if (route is not null)
        {
            info = TopicPublishInfo.From(topic, route);
        }
        else
        {
            // Unknown topic: send through the template topic's brokers, asking for min(4, TBW102 queues); the
            // broker creates the topic (Java updateTopicRouteInfoFromNameServer(topic, isDefault=true)).
            TopicRouteData? template = _client.CachedRoute(Options.CreateTopicKey)
                ?? await _client.UpdateRouteAsync(Options.CreateTopicKey, cancellationToken).ConfigureAwait(false);
            if (template is null)
            {
                throw ClientErrors.NoRoute(topic);
            }
            int readQueues = 0;
            foreach (QueueData data in template.QueueDatas)
            {
                readQueues = Math.Max(readQueues, data.ReadQueueNums);
            }
            info = TopicPublishInfo.From(topic, template, Math.Min(Options.DefaultTopicQueueNums, readQueues));
            _client.StoreRoute(topic, template);
        }
        if (info.Queues.Count == 0)
        {
            throw ClientErrors.NoRoute(topic);
        }
        _publishInfo[topic] = info;
        return info;
    }

    private async Task<SendResult?> SendKernelWithRetriesAsync(OutgoingMessage message, MessageQueue? fixedQueue, bool oneway, CancellationToken cancellationToken)
    {
        TopicPublishInfo info = await FindPublishInfoAsync(message.Topic, cancellationToken).ConfigureAwait(false);
        int attempts = fixedQueue is not null || oneway ? 1 : 1 + Options.RetryTimesWhenSendFailed;
        string? lastBroker = null;
        Exception? last = null;
        int lastCode = MqClientException.ClientErrorCode;
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            MessageQueue queue = fixedQueue ?? SelectQueue(info, lastBroker);
            lastBroker = queue.BrokerName;
            long started = Stopwatch.GetTimestamp();
            try
            {
                SendResult? result = await SendOnceAsync(message, queue, oneway, cancellationToken).ConfigureAwait(false);
                UpdateFault(queue.BrokerName, started, isolation: false);
                if (result is null || result.Status == SendStatus.SendOk || !Options.RetryAnotherBrokerWhenNotStoreOk || attempt == attempts)
                {
                    return result;
                }
                continue;
            }
            catch (MqClientException ex) when (IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                UpdateFault(queue.BrokerName, started, isolation: true);
                last = ex;
                lastCode = ex.ResponseCode;
                _client.Metrics.Sends.Add(1, new KeyValuePair<string, object?>("outcome", "retry"));
                if (attempt < attempts)
                {
                    _client.Logger.SendAttemptFailed(ex, queue.BrokerName, attempt);
                    if (ex.ResponseCode == ResponseCode.TopicNotExist)
                    {
                        // The route may be stale: forget it so the next attempt asks the NameServer again.
                        _publishInfo.TryRemove(message.Topic, out _);
                        info = await FindPublishInfoAsync(message.Topic, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        throw ClientErrors.SendFailed(attempts, last, lastCode);
    }

    // Java retries on remoting (connect/timeout) failures and on response codes {17, 14, 1, 16, 204, 205}.
    private static bool IsRetryable(MqClientException ex) =>
        ex.InnerException is RemotingException and not RemotingResponseException
        || ex.ResponseCode is ResponseCode.TopicNotExist or ResponseCode.ServiceNotAvailable or ResponseCode.SystemError
            or ResponseCode.NoPermission or ResponseCode.NoBuyerId or ResponseCode.NotInCurrentUnit;

    private MessageQueue SelectQueue(TopicPublishInfo info, string? lastBroker)
    {
        if (Options.SendLatencyFaultEnable)
        {
            MessageQueue? available = info.SelectQueue(null, _faults.IsAvailable);
            if (available is not null)
            {
                return available;
            }
            if (_faults.PickLeastBad() is { } leastBad)
            {
                foreach (MessageQueue queue in info.Queues)
                {
                    if (string.Equals(queue.BrokerName, leastBad, StringComparison.Ordinal))
                    {
                        return queue;
                    }
                }
                _faults.Remove(leastBad);
            }
            return info.NextQueue();
        }
        return info.SelectQueue(lastBroker) ?? info.NextQueue();
    }

    private void UpdateFault(string brokerName, long started, bool isolation)
    {
        if (Options.SendLatencyFaultEnable)
        {
            _faults.Update(brokerName, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, isolation);
        }
    }

    private async Task<SendResult?> SendOnceAsync(OutgoingMessage message, MessageQueue queue, bool oneway, CancellationToken cancellationToken)
    {
        string address = _client.FindMasterAddress(queue.BrokerName)
            ?? (await _client.UpdateRouteAsync(message.Topic, cancellationToken).ConfigureAwait(false) is not null ? _client.FindMasterAddress(queue.BrokerName) : null)
            ?? throw ClientErrors.BrokerNotFound(queue.BrokerName);
        var header = new SendMessageRequestHeaderV2
        {
            ProducerGroup = Options.ProducerGroup,
            Topic = message.Topic,
            DefaultTopic = Options.CreateTopicKey,
            DefaultTopicQueueNums = Options.DefaultTopicQueueNums,
            QueueId = queue.QueueId,
            SysFlag = message.SysFlag,
            BornTimestamp = _client.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            Flag = message.Flag,
            Properties = message.Properties,
            ReconsumeTimes = message.ReconsumeTimes ?? 0,
            UnitMode = false,
            MaxReconsumeTimes = message.MaxReconsumeTimes,
            Batch = message.Batch,
        };
        RemotingCommand request = RemotingCommand.CreateRequest(message.Batch ? RequestCode.SendBatchMessage : RequestCode.SendMessageV2, header);
        request.SetBody(message.Body);
        using Activity? activity = _client.Metrics.Activities.StartActivity("send " + message.Topic, ActivityKind.Producer);
        activity?.SetTag("messaging.system", "rocketmq");
        activity?.SetTag("messaging.destination.name", message.Topic);
        activity?.SetTag("messaging.message.id", message.MessageId);
        if (oneway)
        {
            try
            {
                await _client.Remoting.InvokeOnewayAsync(address, request, cancellationToken).ConfigureAwait(false);
            }
            catch (RemotingException ex)
            {
                throw ClientErrors.FromRemoting(ex, "SEND_MESSAGE (oneway) to " + address);
            }
            _client.Metrics.Sends.Add(1, new KeyValuePair<string, object?>("outcome", "oneway"));
            return null;
        }
        long started = Stopwatch.GetTimestamp();
        using RemotingCommand response = await _client.InvokeAsync(address, request, Options.SendTimeout, "SEND_MESSAGE to " + address, cancellationToken).ConfigureAwait(false);
        SendStatus status;
        switch (response.Code)
        {
            case ResponseCode.Success: status = SendStatus.SendOk; break;
            case ResponseCode.FlushDiskTimeout: status = SendStatus.FlushDiskTimeout; break;
            case ResponseCode.FlushSlaveTimeout: status = SendStatus.FlushSlaveTimeout; break;
            case ResponseCode.SlaveNotAvailable: status = SendStatus.SlaveNotAvailable; break;
            default:
                _client.Metrics.Sends.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
                activity?.SetStatus(ActivityStatusCode.Error, response.Remark);
                throw ClientErrors.FromResponse(response, address, "SEND_MESSAGE");
        }
        var responseHeader = response.DecodeHeader<SendMessageResponseHeader>();
        _client.Metrics.SendLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _client.Metrics.Sends.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
        return new SendResult
        {
            Status = status,
            MessageId = message.MessageId,
            OffsetMessageId = Encoding.UTF8.GetString(responseHeader.MsgId.Span),
            Queue = new MessageQueue(message.Topic, queue.BrokerName, responseHeader.QueueId),
            QueueOffset = responseHeader.QueueOffset,
            TransactionId = responseHeader.TransactionId,
            RegionId = responseHeader.MsgRegion,
        };
    }
}
