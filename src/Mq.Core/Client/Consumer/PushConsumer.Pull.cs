using System.Diagnostics;
using Mq.Client.Tracing;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

// The pull loop of one queue (RocketMQ DefaultMQPushConsumerImpl.pullMessage + PullAPIWrapper, §6.3).
public sealed partial class PushConsumer
{
    private const int SysFlagCommitOffset = 0x1;
    private const int SysFlagSuspend = 0x2;

    private async Task PullLoopAsync(ProcessQueue processQueue, long nextOffset)
    {
        MessageQueue queue = processQueue.Queue;
        CancellationToken stop = processQueue.Stop.Token;
        SubscriptionData subscription = _subscriptions[queue.Topic];
        // The node the last answer suggested (RocketMQ PullAPIWrapper.pullFromWhichNodeTable): a master sends
        // consumers of data no longer in memory to a slave, a slave sends them back when the master is there.
        long pullFrom = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Flow control: pause while the queue caches too much (Java delays 50 ms and checks again;
                // here the loop wakes when a consumed message frees space).
                if (processQueue.Count > Options.PullThresholdForQueue || processQueue.Bytes > Options.PullThresholdSizeForQueue
                    || processQueue.Span > Options.ConsumeConcurrentlyMaxSpan)
                {
                    await processQueue.WaitForSpaceAsync(TimeSpan.FromMilliseconds(50), stop).ConfigureAwait(false);
                    continue;
                }
                if (Options.Orderly && !IsLockValid(processQueue))
                {
                    // Java delays an unlocked orderly queue by 3 s and asks again.
                    await Task.Delay(TimeSpan.FromSeconds(3), _client.Time, stop).ConfigureAwait(false);
                    continue;
                }
                string address = _client.FindSubscribeAddress(queue.BrokerName, pullFrom, out bool fromSlave) ?? throw ClientErrors.BrokerNotFound(queue.BrokerName);
                long commitOffset = _offsets.TryGetValue(queue, out long committed) ? committed : 0;
                // A slave never takes the commit-offset flag (RocketMQ clears it when pulling from a slave).
                int sysFlag = SysFlagSuspend
                    | (Options.MessageModel == ConsumerMessageModel.Clustering && commitOffset > 0 && !fromSlave ? SysFlagCommitOffset : 0);
                var header = new PullMessageRequestHeader
                {
                    ConsumerGroup = Options.ConsumerGroup,
                    Topic = queue.Topic,
                    QueueId = queue.QueueId,
                    QueueOffset = nextOffset,
                    MaxMsgNums = Options.PullBatchSize,
                    SysFlag = sysFlag,
                    CommitOffset = commitOffset,
                    SuspendTimeoutMillis = (long)Options.BrokerSuspendMaxTime.TotalMilliseconds,
                    SubVersion = subscription.SubVersion,
                    ExpressionType = "TAG",
                };
                long pullStarted = Stopwatch.GetTimestamp();
                PullResult result = await _api.PullAsync(address, queue.BrokerName, header, _retryTopic, Options.ConsumerTimeoutWhenSuspend, stop)
                    .ConfigureAwait(false);
                processQueue.LastPullTick = Environment.TickCount64;
                _stats.Pulled(queue.Topic, result.Messages?.Count ?? 0, Stopwatch.GetElapsedTime(pullStarted));
                pullFrom = result.SuggestWhichBrokerId;
                switch (result.Code)
                {
                    case ResponseCode.Success:
                        _client.Metrics.Lag.Record(result.MaxOffset - result.NextBeginOffset);
                        nextOffset = result.NextBeginOffset;
                        Dispatch(processQueue, subscription, result.Messages!);
                        break;
                    case ResponseCode.PullNotFound:
                    case ResponseCode.PullRetryImmediately:
                        nextOffset = result.NextBeginOffset;
                        // "correctTagsOffset": nothing cached, so the filtered-out range counts as consumed.
                        if (processQueue.Count == 0)
                        {
                            _offsets[queue] = nextOffset;
                        }
                        break;
                    default:
                        // PULL_OFFSET_MOVED.
                        _client.Logger.OffsetIllegal(queue.ToString(), result.NextBeginOffset);
                        nextOffset = result.NextBeginOffset;
                        _offsets[queue] = nextOffset;
                        await PersistAsync(queue, waitForAck: false, stop).ConfigureAwait(false);
                        break;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MqClientException or InvalidDataException)
            {
                _client.Logger.PullFailed(ex, queue.ToString());
                TimeSpan delay = ex is MqClientException { ResponseCode: 215 } ? TimeSpan.FromMilliseconds(20) : Options.PullTimeDelayWhenException;
                try
                {
                    await Task.Delay(delay, _client.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Dispatch(ProcessQueue processQueue, SubscriptionData subscription, List<ReceivedMessage> messages)
    {
        MessageQueue queue = processQueue.Queue;
        foreach (ReceivedMessage message in messages)
        {
            if (!SubscriptionParser.Matches(subscription, message.Tags))
            {
                continue;
            }
            processQueue.Add(message.QueueOffset, message.Body.Length);
            _client.Metrics.Received.Add(1);
            Interlocked.Increment(ref _inFlightHandlers);
            if (processQueue.Ordered is { } ordered)
            {
                ordered.Writer.TryWrite(message);
            }
            else
            {
                _consumeWorkers.Post((processQueue, message));
            }
        }
        if (processQueue.Count == 0 && messages.Count > 0)
        {
            // Everything was filtered out on the client: the pulled range counts as consumed.
            _offsets[queue] = messages[^1].QueueOffset + 1;
        }
    }

    // Runs on a consume worker (ConsumeWorkers: on a pool thread, at most ConsumeParallelism at once). An async
    // ValueTask method: a handler that completes synchronously costs no allocation here.
    private async ValueTask ConsumeAsync(ProcessQueue processQueue, ReceivedMessage message)
    {
        if (processQueue.Dropped)
        {
            // The queue moved to another consumer (or we are stopping): not started messages stay
            // uncommitted and are delivered again from the committed offset (Java checks isDropped too).
            HandlerDone();
            return;
        }
        var context = new ConsumeContext(processQueue.Queue, Options.ConsumerGroup);
        ConsumeResult result = await HandleAsync(processQueue, message, context).ConfigureAwait(false);
        if (result == ConsumeResult.ReconsumeLater && Options.MessageModel == ConsumerMessageModel.Clustering
            && !await SendBackAsync(message, context.DelayLevelWhenNextConsume).ConfigureAwait(false))
        {
            // Neither the broker nor the retry topic took it: redeliver locally in 5 s (Java).
            _ = RedeliverLaterAsync(processQueue, message);
            return;
        }
        long offset = processQueue.Remove(message.QueueOffset);
        if (offset >= 0 && (!processQueue.Dropped || _stopping.IsCancellationRequested))
        {
            _offsets[processQueue.Queue] = offset;
        }
        HandlerDone();
    }

    /// <summary>
    /// One handler call, concurrent or orderly: inside the receive activity and between the trace records; a
    /// handler that throws counts as reconsume-later. Pooled builder: a handler that goes async costs no box here.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ConsumeResult> HandleAsync(ProcessQueue processQueue, ReceivedMessage message, ConsumeContext context)
    {
        long started = Stopwatch.GetTimestamp();
        ConsumeResult result;
        TraceContext? traced = TraceBeforeHandler(message);
        bool threw = false;
        using (Activity? activity = StartReceiveActivity(message))
        {
            try
            {
                result = await _handler.HandleAsync(message, context, _hardStop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _client.Logger.HandlerFailed(ex, message.MessageId);
                result = ConsumeResult.ReconsumeLater;
                threw = true;
            }
        }
        TraceAfterHandler(traced, result, threw);
        RecordConsumed(processQueue, result, Stopwatch.GetElapsedTime(started));
        return result;
    }

    private void RecordConsumed(ProcessQueue processQueue, ConsumeResult result, TimeSpan took)
    {
        _client.Metrics.ConsumeLatency.Record(took.TotalMilliseconds);
        _client.Metrics.Consumed.Add(1, new KeyValuePair<string, object?>("outcome", result == ConsumeResult.Success ? "ok" : "retry"));
        _stats.Consumed(processQueue.Queue.Topic, result == ConsumeResult.Success, took);
        processQueue.LastConsumeTick = Environment.TickCount64;
    }

    private Activity? StartReceiveActivity(ReceivedMessage message)
    {
        // Checked first so that a process without a listener builds no activity name per message.
        if (!_client.Metrics.Activities.HasListeners())
        {
            return null;
        }
        Activity? activity = _client.Metrics.Activities.StartActivity("receive " + message.Topic, ActivityKind.Consumer,
            message.Property(ClientMetrics.TraceParentProperty));
        activity?.SetTag("messaging.system", "rocketmq");
        activity?.SetTag("messaging.message.id", message.MessageId);
        return activity;
    }

    private async Task RedeliverLaterAsync(ProcessQueue processQueue, ReceivedMessage message)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), _client.Time, processQueue.Stop.Token).ConfigureAwait(false);
            _consumeWorkers.Post((processQueue, message));
        }
        catch (OperationCanceledException)
        {
            HandlerDone();
        }
    }

    // CONSUMER_SEND_MSG_BACK, then a resend to %RETRY%group (RocketMQ sendMessageBack, §9.4).
    private async Task<bool> SendBackAsync(ReceivedMessage message, int delayLevel)
    {
        int maxReconsume = Options.MaxReconsumeTimes < 0 ? 16 : Options.MaxReconsumeTimes;
        try
        {
            string address = BrokerAddress(new MessageQueue(message.Topic, message.BrokerName, message.QueueId));
            var header = new ConsumerSendMsgBackRequestHeader
            {
                Offset = message.CommitLogOffset,
                Group = Options.ConsumerGroup,
                DelayLevel = delayLevel,
                OriginMsgId = message.MessageId,
                OriginTopic = message.Topic,
                UnitMode = false,
                MaxReconsumeTimes = maxReconsume,
            };
            using RemotingCommand response = await _client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.ConsumerSendMsgBack, header),
                Options.ClientApiTimeout, "CONSUMER_SEND_MSG_BACK", CancellationToken.None).ConfigureAwait(false);
            if (response.Code == ResponseCode.Success)
            {
                return true;
            }
            throw ClientErrors.FromResponse(response, address, "CONSUMER_SEND_MSG_BACK");
        }
        catch (MqClientException ex)
        {
            try
            {
                var retry = new Message(_retryTopic, message.Body);
                foreach (KeyValuePair<string, string> property in message.Properties)
                {
                    retry.SetPropertyInternal(property.Key, property.Value);
                }
                retry.SetPropertyInternal(MessageConst.RetryTopic, message.Property(MessageConst.RetryTopic) ?? message.Topic);
                retry.SetPropertyInternal(MessageConst.OriginMessageId, message.Property(MessageConst.OriginMessageId) ?? message.MessageId);
                retry.SetPropertyInternal(MessageConst.ReconsumeTime, (message.ReconsumeTimes + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                retry.SetPropertyInternal(MessageConst.MaxReconsumeTimes, maxReconsume.ToString(System.Globalization.CultureInfo.InvariantCulture));
                retry.DelayTimeLevel = 3 + message.ReconsumeTimes;
                await _sendBackProducer.SendAsync(retry, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (MqClientException fallback)
            {
                _client.Logger.SendBackFailed(new AggregateException(ex, fallback), message.MessageId);
                return false;
            }
        }
    }
}
