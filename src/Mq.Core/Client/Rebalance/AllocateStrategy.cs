namespace Mq.Client;

/// <summary>How a consumer group shares a topic's queues (Java <c>AllocateMessageQueueStrategy</c>).</summary>
public enum AllocateStrategy
{
    /// <summary>Contiguous, nearly equal ranges (Java <c>AllocateMessageQueueAveragely</c>, the default everywhere).</summary>
    Averagely,

    /// <summary>Consumer k takes every queue i with i mod n = k (Java <c>AllocateMessageQueueAveragelyByCircle</c>).</summary>
    AveragelyByCircle,

    /// <summary>A consistent-hash ring of consumers with 10 virtual nodes each (Java <c>AllocateMessageQueueConsistentHash</c>).</summary>
    ConsistentHash,
}
