namespace Mq.Client;

/// <summary>What a handler did with a message.</summary>
public enum ConsumeResult
{
    /// <summary>Consumed; the offset may move past it.</summary>
    Success,

    /// <summary>
    /// Not consumed: redeliver later (cluster mode: sent back to the broker's retry topic with a growing
    /// delay, then to the dead-letter queue after <see cref="ConsumerOptions.MaxReconsumeTimes"/>).
    /// </summary>
    ReconsumeLater,
}
