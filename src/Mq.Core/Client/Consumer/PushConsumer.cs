using System.Diagnostics;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Mq.Client.Tracing;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// Pulls messages with long polling and hands them to a handler (Java <c>DefaultMQPushConsumer</c>),
/// concurrently or, with <see cref="ConsumerOptions.Orderly"/>, one message at a time per locked queue. In cluster mode the group's consumers share the queues (rebalanced every 20 s and
/// when the broker reports a membership change) and offsets live on the broker; in broadcast mode every
/// consumer reads every queue and offsets live in a local file. <see cref="DisposeAsync"/> stops
/// gracefully: pulling stops, in-flight handlers finish, offsets are committed, the client unregisters.
/// </summary>
public sealed partial class PushConsumer : IAsyncDisposable, IClientConsumer
{
    private readonly ClientInstance _client;
    private readonly IMessageHandler _handler;
    private readonly Dictionary<string, SubscriptionData> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MessageQueue, ProcessQueue> _processQueues = new();
    private readonly ConcurrentDictionary<MessageQueue, long> _offsets = new();
    private readonly ConsumeWorkers<(ProcessQueue Queue, ReceivedMessage Message)> _consumeWorkers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Producer _sendBackProducer;
    private readonly string _retryTopic;
    private readonly ConsumerBrokerApi _api;
    private readonly Rebalancer _rebalancer;
    private Task? _rebalanceLoop;
    private Task? _persistLoop;
    private Task? _lockLoop;
    private readonly ConsumerStatsTable _stats;
    private readonly MessageTraceDispatcher? _trace;
    private long _startedMs;
    private int _inFlightHandlers;
    private int _state;

    /// <summary>Creates a consumer; nothing happens until <see cref="StartAsync"/>.</summary>
    public PushConsumer(ConsumerOptions options, IMessageHandler handler, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        options.Validate();
        Options = options;
        _handler = handler;
        _client = new ClientInstance(options, loggerFactory, timeProvider, meterFactory);
        _client.Consumer = this;
        _api = new ConsumerBrokerApi(_client, options.ConsumerGroup);
        _stats = new ConsumerStatsTable(_client.Time);
        _rebalancer = new Rebalancer(_api, this, options.AllocateStrategy, options.MessageModel == ConsumerMessageModel.Broadcasting, options.RebalanceInterval);
        _consumeWorkers = new(item => ConsumeAsync(item.Queue, item.Message), options.ConsumeParallelism,
            (item, ex) => _client.Logger.HandlerFailed(ex, item.Message.MessageId));
        _retryTopic = "%RETRY%" + options.ConsumerGroup;
        _trace = options.EnableMessageTrace ? new MessageTraceDispatcher(options, _client) : null;
        foreach (KeyValuePair<string, string> subscription in options.Subscriptions)
        {
            _subscriptions[subscription.Key] = SubscriptionParser.Parse(subscription.Key, subscription.Value, _client.Time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        if (options.MessageModel == ConsumerMessageModel.Clustering)
        {
            _subscriptions[_retryTopic] = SubscriptionParser.Parse(_retryTopic, "*", _client.Time.GetUtcNow().ToUnixTimeMilliseconds());
        }
        _sendBackProducer = new Producer(new ProducerOptions
        {
            NameServerAddresses = options.NameServerAddresses,
            ProducerGroup = "CLIENT_INNER_PRODUCER",
            SendTimeout = options.ClientApiTimeout,
        }, _client);
    }

    /// <summary>Creates a consumer calling <paramref name="handler"/> for each message.</summary>
    public PushConsumer(ConsumerOptions options, Func<ReceivedMessage, ConsumeContext, CancellationToken, ValueTask<ConsumeResult>> handler,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
        : this(options, new DelegateHandler(handler ?? throw new ArgumentNullException(nameof(handler))), loggerFactory, timeProvider, meterFactory)
    {
    }

    /// <summary>The options (validated; do not change after start).</summary>
    public ConsumerOptions Options { get; }

    /// <summary>The consumer group.</summary>
    public string Group => Options.ConsumerGroup;

    /// <summary>This client's id (<c>ip@instance</c>), as brokers see it.</summary>
    public string ClientId => _client.ClientId;

    /// <summary>The queues this consumer currently pulls.</summary>
    public IReadOnlyCollection<MessageQueue> AssignedQueues => [.. _processQueues.Keys];

    /// <summary>Requests sent and waiting for a response (the transport's pending table), for diagnostics and soak tests.</summary>
    internal int PendingRequests => _client.Remoting.PendingRequests;

    /// <summary>
    /// Starts: learns the routes of the subscribed topics, heartbeats to every broker, rebalances, then
    /// pulls. A topic without a route yet is picked up by a later rebalance. Fails when no NameServer answers.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The consumer was already started.");
        }
        _startedMs = _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        _stats.StartSampling();
        if (Options.MessageModel == ConsumerMessageModel.Broadcasting)
        {
            LoadLocalOffsets();
        }
        foreach (string topic in _subscriptions.Keys)
        {
            _client.TrackTopic(topic);
            TopicRouteData? route = await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            if (route is null && !string.Equals(topic, _retryTopic, StringComparison.Ordinal))
            {
                // As Java: a topic created later is picked up by the next rebalance.
                _client.Logger.RouteRefreshFailed(ClientErrors.NoRoute(topic), topic);
            }
        }
        _client.Start();
        _trace?.Start();
        await _client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
        // The heartbeat created %RETRY%group on the brokers; learn its route now.
        if (_client.CachedRoute(_retryTopic) is null && _subscriptions.ContainsKey(_retryTopic))
        {
            await _client.UpdateRouteAsync(_retryTopic, cancellationToken).ConfigureAwait(false);
        }
        await RebalanceAsync(cancellationToken).ConfigureAwait(false);
        _rebalanceLoop = Task.Run(() => _rebalancer.RunAsync(_stopping.Token), CancellationToken.None);
        if (Options.Orderly)
        {
            _lockLoop = Task.Run(LockLoopAsync, CancellationToken.None);
        }
        _persistLoop = Task.Run(PersistLoopAsync, CancellationToken.None);
    }

    /// <summary>Asks for a rebalance now (NOTIFY_CONSUMER_IDS_CHANGED does this).</summary>
    public void RequestRebalance() => _rebalancer.Request();

    /// <summary>Stops gracefully (see the type's remarks).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            _stats.Dispose();
            await _client.DisposeAsync().ConfigureAwait(false);
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (Task? loop in new[] { _rebalanceLoop, _persistLoop, _lockLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        foreach (ProcessQueue queue in _processQueues.Values)
        {
            await queue.Stop.CancelAsync().ConfigureAwait(false);
            if (queue.PullLoop is { } pull)
            {
                await pull.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        // In-flight handlers finish (bounded by ShutdownTimeout; then their token fires).
        if (Volatile.Read(ref _inFlightHandlers) > 0)
        {
            try
            {
                await _drained.Task.WaitAsync(Options.ShutdownTimeout, _client.Time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await _hardStop.CancelAsync().ConfigureAwait(false);
            }
        }
        foreach (ProcessQueue queue in _processQueues.Values)
        {
            if (queue.ConsumeWorker is { } worker)
            {
                await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        await PersistAllAsync(waitForAck: true, CancellationToken.None).ConfigureAwait(false);
        if (Options.Orderly)
        {
            await UnlockAsync([.. _processQueues.Keys]).ConfigureAwait(false);
        }
        if (_trace is not null)
        {
            // The handlers' last trace records go out while the connections are still open.
            await _trace.DisposeAsync().ConfigureAwait(false);
        }
        using (var timeout = new CancellationTokenSource(Options.ClientApiTimeout * 2))
        {
            await _client.UnregisterAsync(null, Options.ConsumerGroup, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stats.Dispose();
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _hardStop.Dispose();
    }

    void IClientConsumer.AddHeartbeat(HeartbeatData data) => AddHeartbeat(data);

    void IClientConsumer.ResetOffsets(string topic, Dictionary<MessageQueue, long> offsets) => ResetOffsets(topic, offsets);

    /// <summary>
    /// CONSUME_MESSAGE_DIRECTLY (RocketMQ <c>consumeMessageDirectly</c>): the handler runs on the message as a delivery
    /// would present it (a retried message under its original topic), and only the outcome is reported.
    /// </summary>
    async Task<ConsumeMessageDirectlyResult?> IClientConsumer.ConsumeDirectlyAsync(byte[] record, string brokerName, CancellationToken cancellationToken)
    {
        ReceivedMessage message = ReceivedMessage.Decode(record, brokerName, _retryTopic);
        var result = new ConsumeMessageDirectlyResult { Order = Options.Orderly, AutoCommit = true };
        long started = Stopwatch.GetTimestamp();
        try
        {
            ConsumeResult outcome = await _handler.HandleAsync(message, new ConsumeContext(message.Queue, Options.ConsumerGroup), cancellationToken)
                .ConfigureAwait(false);
            result.ConsumeResult = outcome == ConsumeResult.Success ? "CR_SUCCESS" : "CR_LATER";
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result.ConsumeResult = "CR_THROW_EXCEPTION";
            result.Remark = ex.GetType().Name + ": " + ex.Message;
        }
        result.SpentTimeMills = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return result;
    }

    Dictionary<MessageQueue, long> IClientConsumer.OffsetsOf(string topic) => RunningInfoBuilder.OffsetsOf(_offsets, topic);

    ConsumerRunningInfo IClientConsumer.RunningInfo()
    {
        ConsumerRunningInfo info = RunningInfoBuilder.Create(_client, Options, Options.ConsumerGroup, push: true, _startedMs, _subscriptions.Values,
            _processQueues, _offsets, _stats);
        Dictionary<string, string> properties = info.Properties;
        properties["messageModel"] = Options.MessageModel == ConsumerMessageModel.Broadcasting ? "BROADCASTING" : "CLUSTERING";
        properties["consumeFromWhere"] = Options.ConsumeFromWhere switch
        {
            ConsumeStartPoint.FirstOffset => "CONSUME_FROM_FIRST_OFFSET",
            ConsumeStartPoint.Timestamp => "CONSUME_FROM_TIMESTAMP",
            _ => "CONSUME_FROM_LAST_OFFSET",
        };
        properties["consumeThreadMin"] = RunningInfoBuilder.Text(Options.ConsumeParallelism);
        properties["consumeThreadMax"] = RunningInfoBuilder.Text(Options.ConsumeParallelism);
        properties["consumeConcurrentlyMaxSpan"] = RunningInfoBuilder.Text(Options.ConsumeConcurrentlyMaxSpan);
        properties["pullThresholdForQueue"] = RunningInfoBuilder.Text(Options.PullThresholdForQueue);
        properties["pullThresholdSizeForQueue"] = RunningInfoBuilder.Text(Options.PullThresholdSizeForQueue / (1024 * 1024));
        properties["pullBatchSize"] = RunningInfoBuilder.Text(Options.PullBatchSize);
        properties["maxReconsumeTimes"] = RunningInfoBuilder.Text(Options.MaxReconsumeTimes);
        properties["suspendCurrentQueueTimeMillis"] = RunningInfoBuilder.Text((long)Options.SuspendCurrentQueueTime.TotalMilliseconds);
        properties["persistConsumerOffsetInterval"] = RunningInfoBuilder.Text((long)Options.PersistConsumerOffsetInterval.TotalMilliseconds);
        properties[ConsumerRunningInfo.ConsumeOrderlyProperty] = RunningInfoBuilder.Text(Options.Orderly);
        properties[ConsumerRunningInfo.ThreadPoolCoreSizeProperty] = RunningInfoBuilder.Text(Options.ConsumeParallelism);
        return info;
    }

    internal void AddHeartbeat(HeartbeatData data)
    {
        var consumer = new ConsumerData
        {
            GroupName = Options.ConsumerGroup,
            ConsumeType = ConsumeType.ConsumePassively,
            MessageModel = Options.MessageModel == ConsumerMessageModel.Broadcasting ? MessageModel.Broadcasting : MessageModel.Clustering,
            ConsumeFromWhere = Options.ConsumeFromWhere switch
            {
                ConsumeStartPoint.FirstOffset => ConsumeFromWhere.ConsumeFromFirstOffset,
                ConsumeStartPoint.Timestamp => ConsumeFromWhere.ConsumeFromTimestamp,
                _ => ConsumeFromWhere.ConsumeFromLastOffset,
            },
        };
        foreach (SubscriptionData subscription in _subscriptions.Values)
        {
            consumer.SubscriptionDataSet.Add(subscription);
        }
        data.ConsumerDataSet.Add(consumer);
        data.ProducerDataSet.Add(new ProducerData { GroupName = "CLIENT_INNER_PRODUCER" });
    }

    private void HandlerDone()
    {
        if (Interlocked.Decrement(ref _inFlightHandlers) == 0 && _stopping.IsCancellationRequested)
        {
            _drained.TrySetResult();
        }
    }

    private sealed class DelegateHandler(Func<ReceivedMessage, ConsumeContext, CancellationToken, ValueTask<ConsumeResult>> handler) : IMessageHandler
    {
        public ValueTask<ConsumeResult> HandleAsync(ReceivedMessage message, ConsumeContext context, CancellationToken cancellationToken) =>
            handler(message, context, cancellationToken);
    }
}
