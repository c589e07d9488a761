namespace Mq.Client;

/// <summary>Push consumer settings (Java <c>DefaultMQPushConsumer</c>); defaults are Java's.</summary>
public sealed class ConsumerOptions : ClientOptions
{
    /// <summary>Consumer group. Required.</summary>
    public string ConsumerGroup { get; set; } = string.Empty;

    /// <summary>Topic → tag expression (<c>*</c> or <c>a || b</c>). At least one. Cluster mode adds <c>%RETRY%group</c> itself.</summary>
    public Dictionary<string, string> Subscriptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Clustering (default) or broadcasting.</summary>
    public ConsumerMessageModel MessageModel { get; set; } = ConsumerMessageModel.Clustering;

    /// <summary>Where a queue without a committed offset starts. Default <see cref="ConsumeStartPoint.LastOffset"/>.</summary>
    public ConsumeStartPoint ConsumeFromWhere { get; set; } = ConsumeStartPoint.LastOffset;

    /// <summary>Start time for <see cref="ConsumeStartPoint.Timestamp"/>. Default null: 30 minutes before start (Java).</summary>
    public DateTimeOffset? ConsumeTimestamp { get; set; }

    /// <summary>How queues are shared in a group. Default <see cref="AllocateStrategy.Averagely"/>.</summary>
    public AllocateStrategy AllocateStrategy { get; set; } = AllocateStrategy.Averagely;

    /// <summary>Handlers running at once (concurrent mode). Default 20 (Java <c>consumeThreadMin</c>).</summary>
    public int ConsumeParallelism { get; set; } = 20;

    /// <summary>Messages asked for per pull. Default 32.</summary>
    public int PullBatchSize { get; set; } = 32;

    /// <summary>Pulling a queue pauses while it has this many messages cached. Default 1000.</summary>
    public int PullThresholdForQueue { get; set; } = 1000;

    /// <summary>Pulling a queue pauses while it caches this many body bytes. Default 100 MiB.</summary>
    public long PullThresholdSizeForQueue { get; set; } = 100L * 1024 * 1024;

    /// <summary>Pulling pauses while the offset span of cached messages exceeds this (concurrent mode). Default 2000.</summary>
    public long ConsumeConcurrentlyMaxSpan { get; set; } = 2000;

    /// <summary>Redeliveries before a message goes to the dead-letter queue. Default -1: 16 (Java).</summary>
    public int MaxReconsumeTimes { get; set; } = -1;

    /// <summary>How often offsets are committed to the broker (or the local file). Default 5 s.</summary>
    public TimeSpan PersistConsumerOffsetInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often queues are re-allocated (also on NOTIFY_CONSUMER_IDS_CHANGED). Default 20 s.</summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the broker holds a pull when there is nothing new (long polling). Default 15 s.</summary>
    public TimeSpan BrokerSuspendMaxTime { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>RPC timeout of a held pull; must exceed <see cref="BrokerSuspendMaxTime"/>. Default 30 s.</summary>
    public TimeSpan ConsumerTimeoutWhenSuspend { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Back-off after a failed pull. Default 3 s (Java <c>pullTimeDelayMillsWhenException</c>).</summary>
    public TimeSpan PullTimeDelayWhenException { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Folder of the broadcasting-mode offset file (<c>&lt;dir&gt;/&lt;clientId or group&gt;/offsets.json</c>).
    /// Default null: <c>~/.rocketmq_offsets</c> (Java).
    /// </summary>
    public string? OffsetStoreDirectory { get; set; }

    /// <summary>How long a graceful stop waits for in-flight handlers. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ValidGroup(ConsumerGroup, nameof(ConsumerGroup));
        if (Subscriptions is null || Subscriptions.Count == 0)
        {
            throw new ArgumentException("Subscriptions must hold at least one topic.");
        }
        foreach (KeyValuePair<string, string> subscription in Subscriptions)
        {
            ValidGroup(subscription.Key, "Topic");
            _ = SubscriptionParser.Parse(subscription.Key, subscription.Value);
        }
        if (ConsumeParallelism is < 1 or > 1000 || PullBatchSize is < 1 or > 1024 || PullThresholdForQueue < 1 || PullThresholdSizeForQueue < 1 || ConsumeConcurrentlyMaxSpan < 1)
        {
            throw new ArgumentException("ConsumeParallelism (1..1000), PullBatchSize (1..1024) and pull thresholds must be positive.");
        }
        if (MaxReconsumeTimes < -1)
        {
            throw new ArgumentException(nameof(MaxReconsumeTimes) + " must be -1 (default) or >= 0.");
        }
        Positive(PersistConsumerOffsetInterval, nameof(PersistConsumerOffsetInterval));
        Positive(RebalanceInterval, nameof(RebalanceInterval));
        Positive(BrokerSuspendMaxTime, nameof(BrokerSuspendMaxTime));
        Positive(PullTimeDelayWhenException, nameof(PullTimeDelayWhenException));
        Positive(ShutdownTimeout, nameof(ShutdownTimeout));
        if (ConsumerTimeoutWhenSuspend <= BrokerSuspendMaxTime)
        {
            throw new ArgumentException(nameof(ConsumerTimeoutWhenSuspend) + " must exceed " + nameof(BrokerSuspendMaxTime) + ".");
        }
    }
}
