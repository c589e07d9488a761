using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Client;

// The send kernel: route lookup (with the TBW102 fallback), queue choice, retries and fault avoidance
// (RocketMQ DefaultMQProducerImpl.sendDefaultImpl / sendKernelImpl, §9.3).
public sealed partial class Producer
{
    private static readonly System.Buffers.SearchValues<byte> UpperHexDigits = System.Buffers.SearchValues.Create("0123456789ABCDEF"u8);

    private SendMessageRequestHeaderV2? _spareRequestHeader;
    private Func<string, bool>? _isBrokerAvailable;

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
            // The route stored for the topic carries the capped queue counts themselves (as Java rewrites the
            // QueueData): a concurrent send that finds it in the cache must not see the template's 8 queues
            // and pick a queue id the auto-created topic (4 queues) refuses.
            var capped = new TopicRouteData { OrderTopicConf = template.OrderTopicConf, BrokerDatas = template.BrokerDatas, FilterServerTable = template.FilterServerTable };
            foreach (QueueData data in template.QueueDatas)
            {
                int queues = Math.Min(Options.DefaultTopicQueueNums, data.ReadQueueNums);
                capped.QueueDatas.Add(new QueueData
                {
                    BrokerName = data.BrokerName, ReadQueueNums = queues, WriteQueueNums = queues, Perm = data.Perm, TopicSysFlag = data.TopicSysFlag,
                });
            }
            info = TopicPublishInfo.From(topic, capped);
            _client.StoreRoute(topic, capped);
        }
        if (info.Queues.Count == 0)
        {
            throw ClientErrors.NoRoute(topic);
        }
        _publishInfo[topic] = info;
        return info;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendResult?> SendKernelWithRetriesAsync(OutgoingMessage message, MessageQueue? fixedQueue, bool oneway, CancellationToken cancellationToken, bool releaseMessage = false)
    {
        try
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
                long attemptStartedMs = message.Trace is null ? 0 : _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
                try
                {
                    // One attempt, inline rather than in an async method of its own: each async layer that awaits
                    // allocates its state-machine box when many sends are in flight (the pooled builder's cache
                    // serves only a few), so a send costs one box here, not two.
                    string address = _client.FindMasterAddress(queue.BrokerName)
                        ?? await ResolveMasterAddressAsync(message.Topic, queue.BrokerName, cancellationToken).ConfigureAwait(false);
                    RemotingCommand request = CreateSendRequest(message, queue);
                    SendResult? result;
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
                        result = null;
                    }
                    else
                    {
                        long sent = Stopwatch.GetTimestamp();
                        RemotingCommand response;
                        try
                        {
                            // Straight to the transport (not ClientInstance.InvokeAsync): one async layer fewer per send.
                            response = await _client.Remoting.InvokeValueAsync(address, request, Options.SendTimeout, cancellationToken).ConfigureAwait(false);
                        }
                        catch (RemotingException ex)
                        {
                            throw ClientErrors.FromRemoting(ex, "SEND_MESSAGE to " + address);
                        }
                        result = CompleteSend(response, message, queue, address, sent);
                        if (message.Trace is { } traced)
                        {
                            TracePublished(traced, result, address, attemptStartedMs);
                        }
                    }
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
        catch (Exception ex) when (message.Activity is { } activity)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
        finally
        {
            // The send's activity spans every attempt. Callers hand a message they prepared over (its pooled
            // buffers go back after the last attempt), so SendAsync needs no async layer of its own.
            message.Activity?.Dispose();
            if (releaseMessage)
            {
                message.Release();
            }
        }
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
            MessageQueue? available = info.SelectQueue(null, _isBrokerAvailable ??= _faults.IsAvailable);
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

    /// <summary>The broker's master address after a route refresh (the cached route did not name it).</summary>
    private async ValueTask<string> ResolveMasterAddressAsync(string topic, string brokerName, CancellationToken cancellationToken) =>
        (await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false) is not null ? _client.FindMasterAddress(brokerName) : null)
        ?? throw ClientErrors.BrokerNotFound(brokerName);

    /// <summary>
    /// The send's activity, started before the message is encoded so that the trace context it carries is the
    /// send's own (a consumer's receive continues from it). Activity.Current is left as the caller had it: the
    /// activity ends when the last attempt does, not when the synchronous part of SendAsync returns.
    /// </summary>
    private Activity? StartSendActivity(string topic, UniqueId? id)
    {
        if (!_client.Metrics.Activities.HasListeners())
        {
            return null;
        }
        Activity? caller = Activity.Current;
        Activity? activity = _client.Metrics.Activities.StartActivity("send " + topic, ActivityKind.Producer);
        Activity.Current = caller;
        activity?.SetTag("messaging.system", "rocketmq");
        activity?.SetTag("messaging.destination.name", topic);
        if (id is { } messageId)
        {
            activity?.SetTag("messaging.message.id", messageId.ToString());
        }
        return activity;
    }

    /// <summary>Reads a send's answer (disposing it): the result for the four store outcomes, the broker's error otherwise.</summary>
    private SendResult CompleteSend(RemotingCommand response, OutgoingMessage message, MessageQueue queue, string address, long sent)
    {
        using (response)
        {
            SendStatus status;
            switch (response.Code)
            {
                case ResponseCode.Success: status = SendStatus.SendOk; break;
                case ResponseCode.FlushDiskTimeout: status = SendStatus.FlushDiskTimeout; break;
                case ResponseCode.FlushSlaveTimeout: status = SendStatus.FlushSlaveTimeout; break;
                case ResponseCode.SlaveNotAvailable: status = SendStatus.SlaveNotAvailable; break;
                default:
                    _client.Metrics.Sends.Add(1, new KeyValuePair<string, object?>("outcome", "error"));
                    message.Activity?.SetStatus(ActivityStatusCode.Error, response.Remark);
                    throw ClientErrors.FromResponse(response, address, "SEND_MESSAGE");
            }
            SendResult result = ReadSendResponse(response, status, message, queue, address);
            _client.Metrics.SendLatency.Record(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            _client.Metrics.Sends.Add(1, new KeyValuePair<string, object?>("outcome", "ok"));
            return result;
        }
    }

    // SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE (§3.3). The header object is reused: encoding copies every field into
    // the request's pooled extFields buffer, so it is free again as soon as the request exists.
    private RemotingCommand CreateSendRequest(OutgoingMessage message, MessageQueue queue)
    {
        SendMessageRequestHeaderV2 header = Interlocked.Exchange(ref _spareRequestHeader, null) ?? new SendMessageRequestHeaderV2();
        header.ProducerGroup = Options.ProducerGroup;
        header.Topic = message.Topic;
        header.DefaultTopic = Options.CreateTopicKey;
        header.DefaultTopicQueueNums = Options.DefaultTopicQueueNums;
        header.QueueId = queue.QueueId;
        header.SysFlag = message.SysFlag;
        header.BornTimestamp = _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        header.Flag = message.Flag;
        header.Properties = message.Properties;
        header.ReconsumeTimes = message.ReconsumeTimes ?? 0;
        header.UnitMode = false;
        header.MaxReconsumeTimes = message.MaxReconsumeTimes;
        header.Batch = message.Batch;
        int code = message.Batch ? RequestCode.SendBatchMessage : message.Reply ? RequestCode.SendReplyMessageV2 : RequestCode.SendMessageV2;
        RemotingCommand request = RemotingCommand.CreateRequest(code, header);
        header.Properties = default;
        Volatile.Write(ref _spareRequestHeader, header);
        request.SetBody(message.Body);
        return request;
    }

    // SendMessageResponseHeader, read in place: the offset message id stays a number when it is the usual
    // 32 upper-case hex digits; the transaction id is read for half messages only.
    private static SendResult ReadSendResponse(RemotingCommand response, SendStatus status, OutgoingMessage message, MessageQueue queue, string address)
    {
        ExtFields fields = response.ExtFields;
        int queueId = fields.GetRequiredInt32("queueId"u8);
        long queueOffset = fields.GetRequiredInt64("queueOffset"u8);
        if (!fields.TryGetValue("msgId"u8, out ReadOnlySpan<byte> msgId))
        {
            throw new MqClientException(response.Code, response.Remark, "SEND_MESSAGE answer from " + address + " has no msgId field.", address);
        }
        MessageQueue target = queueId == queue.QueueId ? queue : new MessageQueue(message.Topic, queue.BrokerName, queueId);
        string? region = fields.GetString("MSG_REGION"u8);
        bool traceOn = fields.GetBoolean("TRACE_ON"u8) != false;
        string? transactionId = (message.SysFlag & MessageSysFlag.TransactionPreparedType) != 0 ? fields.GetString("transactionId"u8) : null;
        if (msgId.Length == 32 && msgId.IndexOfAnyExcept(UpperHexDigits) < 0
            && UInt128.TryParse(msgId, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out UInt128 packed))
        {
            return new SendResult(status, message.Id, packed, target, queueOffset) { TransactionId = transactionId, RegionId = region, TraceOn = traceOn };
        }
        return new SendResult
        {
            Status = status,
            MessageId = message.Id.ToString(),
            OffsetMessageId = Encoding.UTF8.GetString(msgId),
            Queue = target,
            QueueOffset = queueOffset,
            TransactionId = transactionId,
            RegionId = region,
            TraceOn = traceOn,
        };
    }
}
