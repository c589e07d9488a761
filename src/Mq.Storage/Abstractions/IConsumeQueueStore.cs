namespace Mq.Storage.Abstractions;

/// <summary>Reads messages through consume queues; the broker's PULL and admin offset paths.</summary>
public interface IConsumeQueueStore
{
    /// <summary>
    /// Reads up to <paramref name="maxCount"/> messages / <paramref name="maxBytes"/> bytes from a queue
    /// starting at a logical offset (RocketMQ <c>DefaultMessageStore.getMessage</c>). Dispose the result.
    /// </summary>
    GetMessagesResult GetMessages(string topic, int queueId, long offset, int maxCount, int maxBytes, IMessageFilter? filter = null);

    /// <summary>First retained logical offset of a queue (0 if unknown).</summary>
    long GetMinOffsetInQueue(string topic, int queueId);

    /// <summary>Next logical offset of a queue (0 if unknown).</summary>
    long GetMaxOffsetInQueue(string topic, int queueId);

    /// <summary>The first logical offset whose store time ≥ <paramref name="timestamp"/> (binary search); max offset if none.</summary>
    long GetOffsetInQueueByTime(string topic, int queueId, long timestamp);

    /// <summary>Store time of the oldest retained message of a queue, or -1.</summary>
    long GetEarliestMessageTime(string topic, int queueId);

    /// <summary>Store time of the message at a logical offset, or -1.</summary>
    long GetMessageStoreTimestamp(string topic, int queueId, long offset);

    /// <summary>
    /// Whether the message at a logical offset lies outside the in-memory window (RocketMQ
    /// <c>checkInDiskByConsumeOffset</c>: more than <c>accessMessageInMemoryMaxRatio</c> of memory behind the
    /// log's end). False when the queue has no such entry.
    /// </summary>
    bool IsInDisk(string topic, int queueId, long offset);

    /// <summary>
    /// Removes a topic's consume queues (files included) and its queue-offset counters, so a topic created
    /// again later starts at queue offset 0 (RocketMQ <c>cleanUnusedTopic</c> after DELETE_TOPIC_IN_BROKER).
    /// Its records stay in the commit log until retention removes them. Runs between two dispatch passes, so a
    /// record being dispatched cannot write into a queue as it is deleted (its file would outlive the deletion
    /// and bring the queue back at the next start). Returns the number of queues removed.
    /// </summary>
    Task<int> DeleteTopicAsync(string topic);
}
