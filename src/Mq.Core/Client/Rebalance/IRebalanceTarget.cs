using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>A consumer whose queues a <see cref="Rebalancer"/> manages (Java <c>RebalanceImpl</c>'s abstract hooks).</summary>
internal interface IRebalanceTarget
{
    /// <summary>The subscribed topics (a snapshot is taken at each rebalance).</summary>
    ICollection<string> RebalanceTopics { get; }

    /// <summary>The queues currently owned, of every topic.</summary>
    ICollection<MessageQueue> OwnedQueues { get; }

    /// <summary>Starts consuming <paramref name="queue"/>; false when it cannot be taken now (retried next rebalance).</summary>
    Task<bool> AddQueueAsync(MessageQueue queue, CancellationToken cancellationToken);

    /// <summary>Stops consuming <paramref name="queue"/> (it moved to another consumer or is no longer subscribed).</summary>
    Task RemoveQueueAsync(MessageQueue queue);
}
