namespace Mq.Storage.Abstractions;

/// <summary>Filters consume-queue entries by tags code (RocketMQ <c>MessageFilter.isMatchedByConsumeQueue</c>).</summary>
public interface IMessageFilter
{
    /// <summary>Whether an entry with this tags code may match.</summary>
    bool IsMatchedByConsumeQueue(long tagsCode);
}
