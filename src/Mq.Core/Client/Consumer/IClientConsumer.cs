using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>What a <see cref="ClientInstance"/> needs from the consumer it serves (Java <c>MQConsumerInner</c>).</summary>
internal interface IClientConsumer
{
    /// <summary>The consumer group.</summary>
    string Group { get; }

    /// <summary>Adds this consumer's group and subscriptions to a heartbeat.</summary>
    void AddHeartbeat(HeartbeatData data);

    /// <summary>NOTIFY_CONSUMER_IDS_CHANGED: rebalance soon.</summary>
    void RequestRebalance();

    /// <summary>RESET_CONSUMER_CLIENT_OFFSET: restart the given queues of <paramref name="topic"/> at these offsets.</summary>
    void ResetOffsets(string topic, Dictionary<MessageQueue, long> offsets);

    /// <summary>GET_CONSUMER_STATUS_FROM_CLIENT: this consumer's offsets of <paramref name="topic"/>'s queues.</summary>
    Dictionary<MessageQueue, long> OffsetsOf(string topic);

    /// <summary>GET_CONSUMER_RUNNING_INFO: settings, subscriptions, held queues and figures, for admin tools.</summary>
    ConsumerRunningInfo RunningInfo();

    /// <summary>
    /// CONSUME_MESSAGE_DIRECTLY: runs the handler on one message an admin tool sent, outside the queues (no offset
    /// moves, nothing is sent back); null when this consumer has no handler (a pull consumer).
    /// </summary>
    Task<ConsumeMessageDirectlyResult?> ConsumeDirectlyAsync(byte[] record, string brokerName, CancellationToken cancellationToken);
}
