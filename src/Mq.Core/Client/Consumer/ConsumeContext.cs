using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>Per-delivery context passed to a handler.</summary>
public sealed class ConsumeContext
{
    internal ConsumeContext(MessageQueue queue, string consumerGroup)
    {
        Queue = queue;
        ConsumerGroup = consumerGroup;
    }

    /// <summary>The queue the message was pulled from.</summary>
    public MessageQueue Queue { get; }

    /// <summary>The consumer group.</summary>
    public string ConsumerGroup { get; }

    /// <summary>
    /// Delay level for the redelivery when the handler returns <see cref="ConsumeResult.ReconsumeLater"/>:
    /// 0 lets the broker choose <c>3 + reconsumeTimes</c>; a negative value sends the message straight to
    /// the dead-letter queue. Concurrent mode only.
    /// </summary>
    public int DelayLevelWhenNextConsume { get; set; }
}
