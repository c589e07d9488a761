using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// A consumer the application pulls from (Java <c>DefaultLitePullConsumer</c>). Either <see cref="Subscribe"/> to
/// topics, whose queues the group's consumers share (rebalanced like <see cref="PushConsumer"/>), or
/// <see cref="Assign"/> explicit queues. Background loops pull every owned queue with long polling into a
/// bounded buffer; read it with <see cref="ConsumeAsync"/> (an <see cref="IAsyncEnumerable{T}"/>) or
/// <see cref="PollAsync"/> (a batch). Positions can be moved with the <c>Seek*</c> methods. Offsets live on
/// the broker: <see cref="CommitAsync"/> (acknowledged), <see cref="CommitInBackground"/>, or
/// <see cref="PullConsumerOptions.AutoCommit"/>. A message counts as consumed once it has been handed to the
/// application; auto-commit commits it when the application next asks for messages, so a crash redelivers
/// rather than loses. <see cref="DisposeAsync"/> stops pulling, commits (with auto-commit) and unregisters.
/// Reads may run on one task at a time per consumer (like Java, the consumer is not meant for parallel readers).
/// </summary>
public sealed partial class PullConsumer : IAsyncDisposable, IClientConsumer, IRebalanceTarget
{
    private const int ModeNone = 0;
    private const int ModeSubscribe = 1;
    private const int ModeAssign = 2;

    private readonly ClientInstance _client;
    private readonly ConsumerBrokerApi _api;
    private readonly Rebalancer _rebalancer;
    private readonly ConcurrentDictionary<string, SubscriptionData> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MessageQueue, ProcessQueue> _queues = new();
    private readonly ConcurrentDictionary<MessageQueue, long> _consumed = new();
    private readonly ConcurrentDictionary<MessageQueue, long> _committed = new();
    private readonly Channel<PulledBatch> _ready = Channel.CreateUnbounded<PulledBatch>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly ConcurrentQueue<PulledBatch> _leftovers = new();
    private readonly ConcurrentDictionary<MessageQueue, byte> _paused = new();
    private TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _space = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _rebalanceLoop;
    private long _buffered;
    private long _nextAutoCommit;
    private int _autoCommitRunning;
    private int _mode;
    private readonly ConsumerStatsTable _stats;
    private readonly Tracing.MessageTraceDispatcher? _trace;
    private long _startedMs;
    private int _state;

    /// <summary>Creates a consumer; nothing happens until <see cref="StartAsync"/>.</summary>
    public PullConsumer(PullConsumerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _client = new ClientInstance(options, loggerFactory, timeProvider, meterFactory);
        _client.Consumer = this;
        _api = new ConsumerBrokerApi(_client, options.ConsumerGroup);
        _stats = new ConsumerStatsTable(_client.Time);
        _rebalancer = new Rebalancer(_api, this, options.AllocateStrategy, broadcasting: false, options.RebalanceInterval);
        _trace = options.EnableMessageTrace ? new Tracing.MessageTraceDispatcher(options, _client) : null;
        foreach (KeyValuePair<string, string> subscription in options.Subscriptions)
        {
            Subscribe(subscription.Key, subscription.Value);
        }
    }

    /// <summary>The options (validated; do not change after start).</summary>
    public PullConsumerOptions Options { get; }

    /// <summary>The consumer group.</summary>
    public string Group => Options.ConsumerGroup;

    /// <summary>This client's id (<c>ip@instance</c>), as brokers see it.</summary>
    public string ClientId => _client.ClientId;

    /// <summary>Messages pulled and buffered, not yet handed to the application (flow control bounds it).</summary>
    internal long BufferedCount => Interlocked.Read(ref _buffered);

    /// <summary>The queues this consumer currently pulls (assigned, or allocated to it by rebalancing).</summary>
    public IReadOnlyCollection<MessageQueue> AssignedQueues => [.. _queues.Keys];

    /// <summary>
    /// Starts: learns the routes of the subscribed or assigned topics, heartbeats to every broker, rebalances
    /// (subscribe mode), then pulls. A subscribed topic without a route yet is picked up by a later rebalance.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The consumer was already started.");
        }
        _startedMs = _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        _stats.StartSampling();
        var topics = new HashSet<string>(_subscriptions.Keys, StringComparer.Ordinal);
        foreach (MessageQueue queue in _queues.Keys)
        {
            topics.Add(queue.Topic);
        }
        foreach (string topic in topics)
        {
            _client.TrackTopic(topic);
            if (await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false) is null)
            {
                _client.Logger.RouteRefreshFailed(ClientErrors.NoRoute(topic), topic);
            }
        }
        _client.Start();
        _trace?.Start();
        await _client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
        _nextAutoCommit = _client.Time.GetTimestamp() + AutoCommitTicks;
        lock (_gate)
        {
            // Queues assigned before start begin pulling now.
            foreach (ProcessQueue queue in _queues.Values)
            {
                queue.PullLoop ??= Task.Run(() => PullLoopAsync(queue, -1), CancellationToken.None);
            }
        }
        if (Volatile.Read(ref _mode) == ModeSubscribe)
        {
            await _rebalancer.RebalanceAsync(cancellationToken).ConfigureAwait(false);
        }
        _rebalanceLoop = Task.Run(() => _rebalancer.RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Subscribes to <paramref name="topic"/> with a tag expression (<c>*</c>, or <c>a || b</c>); the group's
    /// consumers share its queues. May be called before or after start (then a rebalance follows at once);
    /// subscribing again replaces the expression. Subscribe and <see cref="Assign"/> are mutually exclusive.
    /// </summary>
    public void Subscribe(string topic, string expression = "*")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        SubscriptionData data = SubscriptionParser.Parse(topic, expression, _client.Time.GetUtcNow().ToUnixTimeMilliseconds());
        SetMode(ModeSubscribe);
        _subscriptions[topic] = data;
        if (Volatile.Read(ref _state) == 1)
        {
            _client.TrackTopic(topic);
            _rebalancer.Request();
        }
    }

    /// <summary>Stops consuming <paramref name="topic"/>: its queues are released at the next rebalance (requested now).</summary>
    public void Unsubscribe(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (_subscriptions.TryRemove(topic, out _))
        {
            _rebalancer.Request();
        }
    }

    /// <summary>
    /// Consumes exactly <paramref name="queues"/> (no rebalancing), replacing any previous assignment. A newly
    /// assigned queue starts at the group's committed offset, else at <see cref="PullConsumerOptions.ConsumeFromWhere"/>.
    /// Use <see cref="FetchMessageQueuesAsync"/> to list a topic's queues.
    /// </summary>
    public void Assign(IEnumerable<MessageQueue> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        var wanted = new HashSet<MessageQueue>(queues);
        SetMode(ModeAssign);
        var dropped = new List<ProcessQueue>();
        lock (_gate)
        {
            foreach (KeyValuePair<MessageQueue, ProcessQueue> entry in _queues)
            {
                if (!wanted.Contains(entry.Key) && DetachQueue(entry.Key) is { } old)
                {
                    dropped.Add(old);
                }
            }
            foreach (MessageQueue queue in wanted)
            {
                if (!_queues.ContainsKey(queue))
                {
                    _client.TrackTopic(queue.Topic);
                    AttachQueue(queue, -1);
                }
            }
        }
        foreach (ProcessQueue old in dropped)
        {
            old.Stop.Cancel();
        }
    }

    /// <summary>
    /// Stops pulling <paramref name="queues"/> (Java <c>pause</c>) until <see cref="Resume"/>; messages already
    /// buffered are still handed out. Pausing a queue not owned yet takes effect when it is assigned.
    /// </summary>
    public void Pause(IEnumerable<MessageQueue> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        foreach (MessageQueue queue in queues)
        {
            _paused[queue] = 0;
        }
    }

    /// <summary>Pulls <paramref name="queues"/> again after <see cref="Pause"/>.</summary>
    public void Resume(IEnumerable<MessageQueue> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        foreach (MessageQueue queue in queues)
        {
            _paused.TryRemove(queue, out _);
        }
        // Wake every paused loop; those still paused wait on the next signal.
        Interlocked.Exchange(ref _resumed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The readable queues of <paramref name="topic"/> (sorted), from the NameServer's route.</summary>
    /// <exception cref="MqClientException">The topic does not exist, or no NameServer answered.</exception>
    public async Task<IReadOnlyList<MessageQueue>> FetchMessageQueuesAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        TopicRouteData route = await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false) ?? throw ClientErrors.NoRoute(topic);
        return ConsumerBrokerApi.SubscribeQueues(topic, route);
    }

    /// <summary>Stops gracefully: pulling stops, consumed offsets are committed (with auto-commit), the client unregisters.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            _ready.Writer.TryComplete();
            _stats.Dispose();
            await _client.DisposeAsync().ConfigureAwait(false);
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_rebalanceLoop is not null)
        {
            await _rebalanceLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        foreach (ProcessQueue queue in _queues.Values)
        {
            await queue.Stop.CancelAsync().ConfigureAwait(false);
            if (queue.PullLoop is { } loop)
            {
                await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        _ready.Writer.TryComplete();
        using (var timeout = new CancellationTokenSource(Options.ClientApiTimeout * 2))
        {
            if (Options.AutoCommit)
            {
                try
                {
                    await CommitCoreAsync(waitForAck: true, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MqClientException or OperationCanceledException)
                {
                    _client.Logger.OffsetCommitFailed(ex, Options.ConsumerGroup);
                }
            }
            if (_trace is not null)
            {
                await _trace.DisposeAsync().ConfigureAwait(false);
            }
            await _client.UnregisterAsync(null, Options.ConsumerGroup, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stats.Dispose();
        await _client.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    string IClientConsumer.Group => Options.ConsumerGroup;

    void IClientConsumer.RequestRebalance() => _rebalancer.Request();

    void IClientConsumer.AddHeartbeat(HeartbeatData data)
    {
        // Java lite pull consumers always report CONSUME_ACTIVELY and CONSUME_FROM_LAST_OFFSET.
        var consumer = new ConsumerData
        {
            GroupName = Options.ConsumerGroup,
            ConsumeType = ConsumeType.ConsumeActively,
            MessageModel = MessageModel.Clustering,
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromLastOffset,
        };
        foreach (SubscriptionData subscription in _subscriptions.Values)
        {
            consumer.SubscriptionDataSet.Add(subscription);
        }
        data.ConsumerDataSet.Add(consumer);
    }

    void IClientConsumer.ResetOffsets(string topic, Dictionary<MessageQueue, long> offsets)
    {
        foreach (KeyValuePair<MessageQueue, long> entry in offsets)
        {
            if (string.Equals(entry.Key.Topic, topic, StringComparison.Ordinal))
            {
                Reposition(entry.Key, entry.Value, mustOwn: false);
            }
        }
    }

    Dictionary<MessageQueue, long> IClientConsumer.OffsetsOf(string topic) => RunningInfoBuilder.OffsetsOf(_committed, topic);

    ConsumerRunningInfo IClientConsumer.RunningInfo()
    {
        // Handed-out messages count as consumed for a pull consumer; its figures are the pulls.
        ConsumerRunningInfo info = RunningInfoBuilder.Create(_client, Options, Options.ConsumerGroup, push: false, _startedMs, _subscriptions.Values,
            _queues, _committed, _stats);
        Dictionary<string, string> properties = info.Properties;
        properties["messageModel"] = "CLUSTERING";
        properties["autoCommit"] = RunningInfoBuilder.Text(Options.AutoCommit);
        properties["autoCommitIntervalMillis"] = RunningInfoBuilder.Text((long)Options.AutoCommitInterval.TotalMilliseconds);
        properties["pullBatchSize"] = RunningInfoBuilder.Text(Options.PullBatchSize);
        properties["pullThresholdForAll"] = RunningInfoBuilder.Text(Options.PullThresholdForAll);
        properties["pullThresholdForQueue"] = RunningInfoBuilder.Text(Options.PullThresholdForQueue);
        properties["pullThresholdSizeForQueue"] = RunningInfoBuilder.Text(Options.PullThresholdSizeForQueue / (1024 * 1024));
        properties["consumeMaxSpan"] = RunningInfoBuilder.Text(Options.ConsumeMaxSpan);
        properties[ConsumerRunningInfo.ConsumeOrderlyProperty] = "false";
        return info;
    }

    // A pull consumer has no handler to run the message through (Java's lite pull consumer has none either).
    Task<ConsumeMessageDirectlyResult?> IClientConsumer.ConsumeDirectlyAsync(byte[] record, string brokerName, CancellationToken cancellationToken) =>
        Task.FromResult<ConsumeMessageDirectlyResult?>(null);

    ICollection<string> IRebalanceTarget.RebalanceTopics => _subscriptions.Keys;

    ICollection<MessageQueue> IRebalanceTarget.OwnedQueues => Volatile.Read(ref _mode) == ModeSubscribe ? _queues.Keys : [];

    Task<bool> IRebalanceTarget.AddQueueAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || _queues.ContainsKey(queue))
            {
                return Task.FromResult(false);
            }
            AttachQueue(queue, -1);
            return Task.FromResult(true);
        }
    }

    Task IRebalanceTarget.RemoveQueueAsync(MessageQueue queue)
    {
        ProcessQueue? old;
        lock (_gate)
        {
            old = DetachQueue(queue);
        }
        // What was consumed but not committed is redelivered to the queue's next owner (at-least-once).
        return old is null ? Task.CompletedTask : old.Stop.CancelAsync();
    }

    private long AutoCommitTicks => (long)(Options.AutoCommitInterval.TotalSeconds * _client.Time.TimestampFrequency);

    private void SetMode(int mode)
    {
        int previous = Interlocked.CompareExchange(ref _mode, mode, ModeNone);
        if (previous != ModeNone && previous != mode)
        {
            throw new InvalidOperationException("Subscribe and Assign are mutually exclusive on one consumer.");
        }
    }

    private void ThrowIfNotRunning()
    {
        if (Volatile.Read(ref _state) != 1)
        {
            throw ClientErrors.NotStarted("The pull consumer");
        }
    }

    // Under _gate: a new ProcessQueue for queue; its pull loop starts now when running, else at start.
    private ProcessQueue AttachQueue(MessageQueue queue, long offset)
    {
        var processQueue = new ProcessQueue(queue);
        _queues[queue] = processQueue;
        if (offset >= 0)
        {
            _consumed[queue] = offset;
        }
        if (Volatile.Read(ref _state) == 1)
        {
            processQueue.PullLoop = Task.Run(() => PullLoopAsync(processQueue, offset), CancellationToken.None);
        }
        return processQueue;
    }

    // Under _gate: forgets queue; the caller cancels the returned ProcessQueue outside the lock.
    private ProcessQueue? DetachQueue(MessageQueue queue)
    {
        if (!_queues.TryRemove(queue, out ProcessQueue? old))
        {
            return null;
        }
        _consumed.TryRemove(queue, out _);
        _committed.TryRemove(queue, out _);
        return old;
    }

    // Under _gate: whether processQueue is still the one pulling its queue (not replaced by a seek or removed).
    private bool IsCurrent(ProcessQueue processQueue) =>
        _queues.TryGetValue(processQueue.Queue, out ProcessQueue? current) && ReferenceEquals(current, processQueue);

    /// <summary>Buffered messages of one pull, handed out in order; <see cref="Next"/> is the first not yet handed out.</summary>
    private sealed class PulledBatch(ProcessQueue queue, List<ReceivedMessage> messages)
    {
        public ProcessQueue Queue { get; } = queue;

        public List<ReceivedMessage> Messages { get; } = messages;

        public int Next { get; set; }
    }
}
