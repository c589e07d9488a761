using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

// The background pull loop of one queue (RocketMQ DefaultLitePullConsumerImpl.PullTaskImpl, §6).
public sealed partial class PullConsumer
{
    // PullSysFlag as Java lite pull builds it: SUSPEND | SUBSCRIPTION | LITE_PULL, never COMMIT_OFFSET
    // (offsets move only by commits). The expression travels with each pull, so assigned queues need no heartbeat subscription.
    private const int LitePullSysFlag = 0x2 | 0x4 | 0x10;
    private static readonly TimeSpan FlowControlDelay = TimeSpan.FromMilliseconds(50);

    private async Task PullLoopAsync(ProcessQueue processQueue, long nextOffset)
    {
        MessageQueue queue = processQueue.Queue;
        CancellationToken stop = processQueue.Stop.Token;
        SubscriptionData all = SubscriptionParser.Parse(queue.Topic, SubscriptionData.SubAll);
        // The node the last answer suggested (a slave for data no longer in the master's memory), as the push consumer.
        long pullFrom = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (nextOffset < 0)
                {
                    nextOffset = await StartOffsetAsync(processQueue, stop).ConfigureAwait(false);
                    if (nextOffset < 0)
                    {
                        return;
                    }
                }
                // Read the signal before the check: a Resume in between completes this one.
                Task resumed = Volatile.Read(ref _resumed).Task;
                if (_paused.ContainsKey(queue))
                {
                    await resumed.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                // Flow control (Java re-checks every 50 ms; here a consumed message also wakes the loop).
                if (Interlocked.Read(ref _buffered) > Options.PullThresholdForAll)
                {
                    await _space.WaitAsync(FlowControlDelay, stop).ConfigureAwait(false);
                    continue;
                }
                if (processQueue.Count > Options.PullThresholdForQueue || processQueue.Bytes > Options.PullThresholdSizeForQueue
                    || processQueue.Span > Options.ConsumeMaxSpan)
                {
                    await processQueue.WaitForSpaceAsync(FlowControlDelay, stop).ConfigureAwait(false);
                    continue;
                }
                SubscriptionData subscription = _subscriptions.TryGetValue(queue.Topic, out SubscriptionData? subscribed) ? subscribed : all;
                var header = new PullMessageRequestHeader
                {
                    ConsumerGroup = Options.ConsumerGroup,
                    Topic = queue.Topic,
                    QueueId = queue.QueueId,
                    QueueOffset = nextOffset,
                    MaxMsgNums = Options.PullBatchSize,
                    SysFlag = LitePullSysFlag,
                    CommitOffset = 0,
                    SuspendTimeoutMillis = (long)Options.BrokerSuspendMaxTime.TotalMilliseconds,
                    Subscription = subscription.SubString,
                    // Java sends subVersion 0 for TAG expressions when posting the subscription.
                    SubVersion = 0,
                    ExpressionType = "TAG",
                };
                string address = _client.FindSubscribeAddress(queue.BrokerName, pullFrom, out _) ?? throw ClientErrors.BrokerNotFound(queue.BrokerName);
                long pullStarted = System.Diagnostics.Stopwatch.GetTimestamp();
                PullResult result = await _api.PullAsync(address, queue.BrokerName, header, retryGroupTopic: null, Options.ConsumerTimeoutWhenSuspend, stop)
                    .ConfigureAwait(false);
                processQueue.LastPullTick = Environment.TickCount64;
                _stats.Pulled(queue.Topic, result.Messages?.Count ?? 0, System.Diagnostics.Stopwatch.GetElapsedTime(pullStarted));
                pullFrom = result.SuggestWhichBrokerId;
                if (result.Code == ResponseCode.Success)
                {
                    _client.Metrics.Lag.Record(result.MaxOffset - result.NextBeginOffset);
                    Buffer(processQueue, subscription, result.Messages!);
                }
                else if (result.Code == ResponseCode.PullOffsetMoved)
                {
                    _client.Logger.OffsetIllegal(queue.ToString(), result.NextBeginOffset);
                }
                nextOffset = result.NextBeginOffset;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is MqClientException or InvalidDataException)
            {
                _client.Logger.PullFailed(ex, queue.ToString());
                try
                {
                    await Task.Delay(Options.PullTimeDelayWhenException, _client.Time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // The committed offset, else the ConsumeFromWhere rule (RebalanceLitePullImpl.computePullFromWhere);
    // -1 when the queue was replaced meanwhile.
    private async Task<long> StartOffsetAsync(ProcessQueue processQueue, CancellationToken stop)
    {
        MessageQueue queue = processQueue.Queue;
        if (_client.CachedRoute(queue.Topic) is null)
        {
            await _client.UpdateRouteAsync(queue.Topic, stop).ConfigureAwait(false);
        }
        long stored = await _api.QueryCommittedOffsetAsync(queue, stop).ConfigureAwait(false);
        long start = await _api.ComputeStartOffsetAsync(queue, stored, Options.ConsumeFromWhere, Options.ConsumeTimestamp, stop).ConfigureAwait(false);
        lock (_gate)
        {
            if (!IsCurrent(processQueue))
            {
                return -1;
            }
            if (_consumed.TryGetValue(queue, out long positioned))
            {
                // A seek or reset positioned the queue before its first pull.
                return positioned;
            }
            _consumed[queue] = start;
            if (stored >= 0)
            {
                _committed[queue] = stored;
            }
        }
        return start;
    }

    private void Buffer(ProcessQueue processQueue, SubscriptionData subscription, List<ReceivedMessage> pulled)
    {
        var messages = new List<ReceivedMessage>(pulled.Count);
        foreach (ReceivedMessage message in pulled)
        {
            // Client-side re-filter (§6.3): tag hashes may collide.
            if (SubscriptionParser.Matches(subscription, message.Tags))
            {
                processQueue.Add(message.QueueOffset, message.Body.Length);
                messages.Add(message);
            }
        }
        if (messages.Count == 0)
        {
            return;
        }
        Interlocked.Add(ref _buffered, messages.Count);
        _client.Metrics.Received.Add(messages.Count);
        if (!_ready.Writer.TryWrite(new PulledBatch(processQueue, messages)))
        {
            // Stopping: the buffer is closed and nothing will be handed out.
            Interlocked.Add(ref _buffered, -messages.Count);
        }
    }
}
