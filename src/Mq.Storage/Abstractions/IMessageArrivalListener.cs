namespace Mq.Storage.Abstractions;

/// <summary>
/// Told by the dispatcher after a consume-queue entry is written (RocketMQ <c>MessageArrivingListener</c>);
/// the broker's long polling wakes held pulls from here. Called on the dispatcher thread: return quickly.
/// </summary>
public interface IMessageArrivalListener
{
    /// <summary>A message is now readable at <paramref name="logicalOffset"/> of topic/queue.</summary>
    void OnMessageArrived(string topic, int queueId, long logicalOffset, long tagsCode, long storeTimestamp);
}
