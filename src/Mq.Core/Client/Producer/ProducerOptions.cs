namespace Mq.Client;

/// <summary>Producer settings (Java <c>DefaultMQProducer</c>); defaults are Java's.</summary>
public sealed class ProducerOptions : ClientOptions
{
    /// <summary>Producer group, reported in heartbeats and used by transaction check-backs. Default <c>DEFAULT_PRODUCER</c>.</summary>
    public string ProducerGroup { get; set; } = "DEFAULT_PRODUCER";

    /// <summary>Timeout of one send attempt. Default 3 s. Risk: too short turns slow brokers into duplicate sends.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Extra attempts after a failed send (connect/timeout errors and codes 1, 14, 16, 17, 204, 205), each to
    /// another broker when one exists. Default 2. Risk: a timed-out attempt may have been stored, so retries
    /// can duplicate messages.
    /// </summary>
    public int RetryTimesWhenSendFailed { get; set; } = 2;

    /// <summary>Retry on another broker when the broker stored the message but answered a flush/slave timeout. Default false.</summary>
    public bool RetryAnotherBrokerWhenNotStoreOk { get; set; }

    /// <summary>Bodies of at least this many bytes are zlib-compressed. Default 4096. Risk: compression costs CPU on both sides.</summary>
    public int CompressBodyOverBytes { get; set; } = 4096;

    /// <summary>zlib level 0..9. Default 5 (Java <c>rocketmq.message.compressLevel</c>).</summary>
    public int CompressLevel { get; set; } = 5;

    /// <summary>Largest body accepted before sending. Default 4 MiB (broker default). Risk: brokers refuse larger ones anyway.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Queue count asked for when the broker auto-creates a topic. Default 4.</summary>
    public int DefaultTopicQueueNums { get; set; } = 4;

    /// <summary>Template topic whose route is used for unknown topics (broker auto-create). Default <c>TBW102</c>.</summary>
    public string CreateTopicKey { get; set; } = "TBW102";

    /// <summary>
    /// Avoid brokers that answered slowly or failed (Java <c>sendLatencyFaultEnable</c>): a send slower than
    /// 550 ms isolates its broker for 30 s .. 10 min. Default false.
    /// </summary>
    public bool SendLatencyFaultEnable { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        ValidGroup(ProducerGroup, nameof(ProducerGroup));
        Positive(SendTimeout, nameof(SendTimeout));
        if (RetryTimesWhenSendFailed < 0)
        {
            throw new ArgumentException(nameof(RetryTimesWhenSendFailed) + " must be >= 0.");
        }
        if (CompressBodyOverBytes < 0 || CompressLevel is < 0 or > 9)
        {
            throw new ArgumentException("CompressBodyOverBytes must be >= 0 and CompressLevel 0..9.");
        }
        if (MaxMessageSize <= 0 || DefaultTopicQueueNums <= 0 || string.IsNullOrEmpty(CreateTopicKey))
        {
            throw new ArgumentException("MaxMessageSize and DefaultTopicQueueNums must be positive and CreateTopicKey set.");
        }
    }
}
