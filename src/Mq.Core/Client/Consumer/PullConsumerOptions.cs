namespace Mq.Client;

/// <summary>
/// Pull consumer settings (Java <c>DefaultLitePullConsumer</c>); defaults are Java's. Offsets are always
/// stored on the broker (deliberate deviation: no broadcasting mode with a local offset file).
/// </summary>
public sealed class PullConsumerOptions : ClientOptions
{
    /// <summary>Consumer group. Required.</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>
    /// Topic → tag expression (<c>*</c> or <c>a || b</c>) subscribed at start; the group's consumers share
    /// their queues. Default empty: call <see cref="PullConsumer.Subscribe"/> or <see cref="PullConsumer.Assign"/>.
    /// </summary>
    public Dictionary<string, string> Subscriptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Where a queue without a committed offset starts. Default <see cref="ConsumeStartPoint.LastOffset"/>.</summary>
    public ConsumeStartPoint ConsumeFromWhere { get; set; } = ConsumeStartPoint.LastOffset;

    /// <summary>Start time for <see cref="ConsumeStartPoint.Timestamp"/>. Default null: 30 minutes before the queue is taken (Java).</summary>
    public DateTimeOffset? ConsumeTimestamp { get; set; }

    /// <summary>How subscribed queues are shared in a group. Default <see cref="AllocateStrategy.Averagely"/>.</summary>
    public AllocateStrategy AllocateStrategy { get; set; } = AllocateStrategy.Averagely;

    /// <summary>
    /// Commit automatically: at most every <see cref="AutoCommitInterval"/>, when the application asks for more
    /// messages, the messages it received before are committed (and everything received at stop). Default
    /// true. Risk: off means nothing is committed unless you call <see cref="PullConsumer.CommitAsync"/>.
    /// </summary>
    public bool AutoCommit { get; set; } = true;

    /// <summary>Minimum time between automatic commits. Default 5 s. Risk: longer means more redelivery after a crash.</summary>
    public TimeSpan AutoCommitInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Messages asked for per pull (the most one poll returns). Default 10.</summary>
    public int PullBatchSize { get; set; } = 10;

    /// <summary>Pulling pauses while the consumer buffers this many messages over all its queues. Default 10000. Risk: memory.</summary>
    public int PullThresholdForAll { get; set; } = 10000;

    /// <summary>Pulling a queue pauses while it buffers this many messages. Default 1000.</summary>
    public int PullThresholdForQueue { get; set; } = 1000;

    /// <summary>Pulling a queue pauses while it buffers this many body bytes. Default 100 MiB. Risk: memory.</summary>
    public long PullThresholdSizeForQueue { get; set; } = 100L * 1024 * 1024;

    /// <summary>Pulling a queue pauses while the offset span of its buffered messages exceeds this. Default 2000.</summary>
    public long ConsumeMaxSpan { get; set; } = 2000;

    /// <summary>How often subscribed queues are re-allocated (also on NOTIFY_CONSUMER_IDS_CHANGED). Default 20 s.</summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the broker holds a pull when there is nothing new (long polling). Default 20 s.</summary>
    public TimeSpan BrokerSuspendMaxTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>RPC timeout of a held pull; must exceed <see cref="BrokerSuspendMaxTime"/>. Default 30 s.</summary>
    public TimeSpan ConsumerTimeoutWhenSuspend { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Back-off after a failed pull. Default 1 s (Java lite <c>pullTimeDelayMillsWhenException</c>).</summary>
    public TimeSpan PullTimeDelayWhenException { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ValidGroup(ConsumerGroup, nameof(ConsumerGroup));
        ArgumentNullException.ThrowIfNull(Subscriptions);
        foreach (KeyValuePair<string, string> subscription in Subscriptions)
        {
            ValidGroup(subscription.Key, "Topic");
            _ = SubscriptionParser.Parse(subscription.Key, subscription.Value);
        }
        if (PullBatchSize is < 1 or > 1024 || PullThresholdForAll < 1 || PullThresholdForQueue < 1 || PullThresholdSizeForQueue < 1 || ConsumeMaxSpan < 1)
        {
            throw new ArgumentException("PullBatchSize (1..1024) and the pull thresholds must be positive.");
        }
        Positive(AutoCommitInterval, nameof(AutoCommitInterval));
        Positive(RebalanceInterval, nameof(RebalanceInterval));
        Positive(BrokerSuspendMaxTime, nameof(BrokerSuspendMaxTime));
        Positive(PullTimeDelayWhenException, nameof(PullTimeDelayWhenException));
        if (ConsumerTimeoutWhenSuspend <= BrokerSuspendMaxTime)
        {
            throw new ArgumentException(nameof(ConsumerTimeoutWhenSuspend) + " must exceed " + nameof(BrokerSuspendMaxTime) + ".");
        }
    }
}
