using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Mq.Client.Tracing;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// Sends messages to RocketMQ brokers over the remoting protocol (Java <c>DefaultMQProducer</c> and
/// <c>TransactionMQProducer</c>). Thread-safe; many sends may be in flight at once. Create, call
/// <see cref="StartAsync"/>, send, then <see cref="DisposeAsync"/> (unregisters from the brokers).
/// </summary>
public sealed partial class Producer : IAsyncDisposable
{
    private readonly ClientInstance _client;
    private readonly bool _ownsClient;
    private readonly LatencyFaultTolerance _faults;
    private readonly MessageTraceDispatcher? _trace;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TopicPublishInfo> _publishInfo = new(StringComparer.Ordinal);
    private int _state;

    /// <summary>Creates a producer; nothing is sent until <see cref="StartAsync"/>.</summary>
    public Producer(ProducerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _client = new ClientInstance(options, loggerFactory, timeProvider, meterFactory);
        _client.Producer = this;
        _ownsClient = true;
        _faults = new LatencyFaultTolerance(_client.Time);
        _trace = options.EnableMessageTrace ? new MessageTraceDispatcher(options, _client) : null;
    }

    // The consumer's internal producer (send-back fallback) shares the consumer's client instance.
    internal Producer(ProducerOptions options, ClientInstance client)
    {
        Options = options;
        _client = client;
        _faults = new LatencyFaultTolerance(client.Time);
        _state = 1;
    }

    /// <summary>The options (validated; do not change after start).</summary>
    public ProducerOptions Options { get; }

    /// <summary>This client's id (<c>ip@instance</c>), as brokers see it.</summary>
    public string ClientId => _client.ClientId;

    /// <summary>
    /// Answers the broker's CHECK_TRANSACTION_STATE for half messages whose outcome is still unknown. Set it
    /// before <see cref="StartAsync"/> when sending transactional messages. Null: the check is left unanswered
    /// (the broker asks again, up to its check limit).
    /// </summary>
    public Func<ReceivedMessage, CancellationToken, ValueTask<TransactionState>>? TransactionCheckHandler { get; set; }

    /// <summary>Requests sent and waiting for a response (the transport's pending table), for diagnostics and soak tests.</summary>
    internal int PendingRequests => _client.Remoting.PendingRequests;

    /// <summary>Starts route refresh and heartbeats, and learns the template topic's route.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The producer was already started.");
        }
        _client.Start();
        _trace?.Start();
        _client.TrackTopic(Options.CreateTopicKey);
        try
        {
            await _client.UpdateRouteAsync(Options.CreateTopicKey, cancellationToken).ConfigureAwait(false);
        }
        catch (MqClientException ex)
        {
            // Java's first route poll is also best effort: sends query routes themselves.
            _client.Logger.RouteRefreshFailed(ex, Options.CreateTopicKey);
        }
        await _client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The writable queues of <paramref name="topic"/> (for selectors and diagnostics).</summary>
    public async ValueTask<IReadOnlyList<MessageQueue>> GetPublishQueuesAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicPublishInfo info = await FindPublishInfoAsync(topic, cancellationToken).ConfigureAwait(false);
        return info.Queues;
    }

    /// <summary>Unregisters from the brokers and closes connections. In-flight sends complete or fail first.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2 || !_ownsClient)
        {
            return;
        }
        if (_trace is not null)
        {
            // Queued trace records go out while the connections are still open.
            await _trace.DisposeAsync().ConfigureAwait(false);
        }
        using var timeout = new CancellationTokenSource(Options.ClientApiTimeout * 2);
        await _client.UnregisterAsync(Options.ProducerGroup, null, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The client instance (benchmarks seed routes through it).</summary>
    internal ClientInstance Client => _client;

    internal void AddHeartbeat(HeartbeatData data) => data.ProducerDataSet.Add(new ProducerData { GroupName = Options.ProducerGroup });

    private void ThrowIfNotRunning()
    {
        if (Volatile.Read(ref _state) != 1)
        {
            throw ClientErrors.NotStarted("The producer");
        }
    }
}
