using System.Buffers.Binary;
using Mq.Messages;
using Mq.Storage.Abstractions;
using Mq.Storage.ConsumeQueue;

namespace Mq.Storage;

public sealed partial class MessageStore
{
    /// <inheritdoc />
    public GetMessagesResult GetMessages(string topic, int queueId, long offset, int maxCount, int maxBytes, IMessageFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (!_resultPool.TryDequeue(out var result))
        {
            result = new GetMessagesResult(_resultPool);
        }
        result.Rent();
        var cq = _queues.Find(topic, queueId);
        if (cq is null)
        {
            result.Status = GetMessageStatus.NoMatchedLogicQueue;
            result.NextBeginOffset = 0;
            return result;
        }
        long min = cq.MinOffset;
        long max = cq.MaxOffset;
        result.MinOffset = min;
        result.MaxOffset = max;
        if (max == 0)
        {
            result.Status = GetMessageStatus.NoMessageInQueue;
            result.NextBeginOffset = 0;
        }
        else if (offset < min)
        {
            result.Status = GetMessageStatus.OffsetTooSmall;
            result.NextBeginOffset = min;
        }
        else if (offset == max)
        {
            result.Status = GetMessageStatus.OffsetOverflowOne;
            result.NextBeginOffset = offset;
        }
        else if (offset > max)
        {
            result.Status = GetMessageStatus.OffsetOverflowBadly;
            result.NextBeginOffset = max;
        }
        else
        {
            ScanQueue(cq, offset, Math.Max(1, maxCount), maxBytes <= 0 ? int.MaxValue : maxBytes, filter, result);
        }
        return result;
    }

    private void ScanQueue(ConsumeQueue.ConsumeQueue cq, long offset, int maxCount, int maxBytes, IMessageFilter? filter, GetMessagesResult result)
    {
        const int EntriesPerRead = 64;
        Span<byte> entries = stackalloc byte[EntriesPerRead * ConsumeQueueEntry.Length];
        int maxScanEntries = Math.Max(16000, maxCount * ConsumeQueueEntry.Length) / ConsumeQueueEntry.Length;
        long commitLogMax = _commitLog.MaxOffset;
        long commitLogMin = _commitLog.MinOffset;
        var status = GetMessageStatus.NoMatchedMessage;
        long next = offset;
        long maxPhysicalPulled = 0;
        int scanned = 0;
        bool full = false;
        while (!full && scanned < maxScanEntries && next < cq.MaxOffset)
        {
            int count = cq.ReadEntries(next, entries[..(Math.Min(EntriesPerRead, maxScanEntries - scanned) * ConsumeQueueEntry.Length)], out long nextFileStart);
            if (count < 0)
            {
                if (result.MessageCount == 0)
                {
                    status = GetMessageStatus.OffsetFoundNull;
                    next = nextFileStart;
                }
                break;
            }
            if (count == 0)
            {
                break;
            }
            for (int i = 0; i < count; i++)
            {
                var entry = ConsumeQueueEntry.Read(entries[(i * ConsumeQueueEntry.Length)..]);
                bool inDisk = commitLogMax - entry.PhysicalOffset > _memoryWindow;
                if (IsBatchFull(entry.Size, maxCount, maxBytes, result.BufferTotalSize, result.MessageCount, inDisk))
                {
                    full = true;
                    break;
                }
                next++;
                scanned++;
                if (!entry.IsValid)
                {
                    continue;
                }
                if (filter is not null && !filter.IsMatchedByConsumeQueue(entry.TagsCode))
                {
                    continue;
                }
                if (entry.PhysicalOffset < commitLogMin)
                {
                    if (result.MessageCount == 0)
                    {
                        status = GetMessageStatus.MessageWasRemoving;
                    }
                    continue;
                }
                if (!result.Leases.TryLease(_commitLog, entry.PhysicalOffset, entry.Size, out var record))
                {
                    if (result.MessageCount == 0)
                    {
                        status = GetMessageStatus.MessageWasRemoving;
                    }
                    continue;
                }
                result.Add(record, next - 1);
                status = GetMessageStatus.Found;
                maxPhysicalPulled = entry.PhysicalOffset;
            }
        }
        result.Status = status;
        result.NextBeginOffset = next;
        result.SuggestPullingFromSlave = commitLogMax - maxPhysicalPulled > _memoryWindow && result.MessageCount > 0;
    }

    /// <summary>RocketMQ <c>isTheBatchFull</c>, plus the caller's byte limit; the first message is always taken.</summary>
    private bool IsBatchFull(int size, int maxCount, int maxBytes, int bufferTotal, int messageTotal, bool inDisk)
    {
        if (bufferTotal == 0 || messageTotal == 0)
        {
            return false;
        }
        if (messageTotal >= maxCount || bufferTotal + size > maxBytes)
        {
            return true;
        }
        return inDisk
            ? bufferTotal + size > _options.MaxTransferBytesOnMessageInDisk || messageTotal > _options.MaxTransferCountOnMessageInDisk - 1
            : bufferTotal + size > _options.MaxTransferBytesOnMessageInMemory || messageTotal > _options.MaxTransferCountOnMessageInMemory - 1;
    }

    /// <inheritdoc />
    public bool IsInDisk(string topic, int queueId, long offset)
    {
        var cq = _queues.Find(topic, queueId);
        return cq is not null && cq.TryReadEntry(offset, out var entry) && _commitLog.MaxOffset - entry.PhysicalOffset > _memoryWindow;
    }

    /// <inheritdoc />
    public async Task<int> DeleteTopicAsync(string topic)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        int removed = 0;
        await _reput.RunBetweenPassesAsync(() =>
        {
            // Counters first: a message appended meanwhile then starts the recreated queue at 0 rather than
            // continuing the deleted one's numbering into a fresh consume queue.
            _commitLog.RemoveQueueOffsets(topic);
            removed = _queues.RemoveTopic(topic);
        }).ConfigureAwait(false);
        return removed;
    }

    /// <summary>
    /// Deletes the consume queues whose last entry ends below the commit log's start, every message they index
    /// being gone (RocketMQ <c>cleanExpiredConsumerQueue</c>, mqadmin cleanExpiredCQ); queues of topics
    /// <paramref name="keep"/> names stay. Runs between two dispatch passes, so a record on its way into a queue is
    /// never lost to the deletion; a later message of that queue starts a new one at its queue offset. Returns the
    /// number of queues deleted.
    /// </summary>
    public async Task<int> CleanExpiredConsumeQueuesAsync(Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        int removed = 0;
        await _reput.RunBetweenPassesAsync(() =>
        {
            long commitLogMin = _commitLog.MinOffset;
            var expired = new List<(string Topic, int QueueId)>();
            foreach (var cq in _queues.All())
            {
                long end = cq.MaxPhysicalEnd;
                if (!keep(cq.Topic) && cq.MaxOffset > 0 && end > 0 && end < commitLogMin)
                {
                    expired.Add((cq.Topic, cq.QueueId));
                }
            }
            foreach (var (topic, queueId) in expired)
            {
                if (_queues.RemoveQueue(topic, queueId))
                {
                    StoreLog.ExpiredConsumeQueueDeleted(_logger, topic, queueId, commitLogMin);
                    removed++;
                }
            }
        }).ConfigureAwait(false);
        return removed;
    }

    /// <summary>
    /// Up to <paramref name="count"/> raw consume-queue entries of a queue from <paramref name="index"/> on (mqadmin
    /// queryCq), with the queue's first and next offsets; false when the queue does not exist. Entries past the
    /// queue's end or in a deleted file are simply not returned.
    /// </summary>
    public bool TryReadConsumeQueue(string topic, int queueId, long index, int count, List<ConsumeQueueEntry> entries, out long minOffset, out long maxOffset)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var cq = _queues.Find(topic, queueId);
        minOffset = cq?.MinOffset ?? 0;
        maxOffset = cq?.MaxOffset ?? 0;
        if (cq is null)
        {
            return false;
        }
        for (long offset = Math.Max(index, 0); offset < maxOffset && entries.Count < count; offset++)
        {
            if (!cq.TryReadEntry(offset, out var entry))
            {
                break;
            }
            entries.Add(entry);
        }
        return true;
    }

    /// <summary>The topics that have consume queues in this store (admin: finding queues no topic config owns).</summary>
    public IReadOnlyCollection<string> ConsumeQueueTopics()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cq in _queues.All())
        {
            topics.Add(cq.Topic);
        }
        return topics;
    }

    /// <inheritdoc />
    public long GetMinOffsetInQueue(string topic, int queueId) => _queues.Find(topic, queueId)?.MinOffset ?? 0;

    /// <inheritdoc />
    public long GetMaxOffsetInQueue(string topic, int queueId) => _queues.Find(topic, queueId)?.MaxOffset ?? 0;

    /// <inheritdoc />
    public long GetMessageStoreTimestamp(string topic, int queueId, long offset)
    {
        var cq = _queues.Find(topic, queueId);
        return cq is not null && cq.TryReadEntry(offset, out var entry) ? StoreTimestampAt(entry.PhysicalOffset) : -1;
    }

    /// <inheritdoc />
    public long GetEarliestMessageTime(string topic, int queueId)
    {
        var cq = _queues.Find(topic, queueId);
        return cq is null ? -1 : GetMessageStoreTimestamp(topic, queueId, cq.MinOffset);
    }

    /// <inheritdoc />
    public long GetOffsetInQueueByTime(string topic, int queueId, long timestamp)
    {
        var cq = _queues.Find(topic, queueId);
        if (cq is null)
        {
            return 0;
        }
        long low = cq.MinOffset;
        long high = cq.MaxOffset;
        // Smallest offset whose store time >= timestamp; store times grow with the offset.
        while (low < high)
        {
            long mid = low + ((high - low) / 2);
            long time = cq.TryReadEntry(mid, out var entry) ? StoreTimestampAt(entry.PhysicalOffset) : -1;
            if (time < 0)
            {
                low = mid + 1;
            }
            else if (time < timestamp)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /// <summary>Store time of the oldest retained commit-log record, or -1.</summary>
    public long GetEarliestMessageTime()
    {
        long offset = _commitLog.MinOffset;
        long time = StoreTimestampAt(offset);
        return time;
    }

    /// <inheritdoc />
    public QueryMessageResult QueryMessages(string topic, string key, int maxCount, long begin, long end)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(key);
        var result = new QueryMessageResult();
        if (_index is null || maxCount <= 0)
        {
            return result;
        }
        Span<byte> header = stackalloc byte[4];
        byte[] topicUtf8 = System.Text.Encoding.UTF8.GetBytes(topic);
        foreach (long offset in _index.Query(topic, key, maxCount, begin, end))
        {
            if (_commitLog.ReadCommitted(offset, header) != 4)
            {
                continue;
            }
            int size = BinaryPrimitives.ReadInt32BigEndian(header);
            if (size >= MessageRecord.MinLength && result.Leases.TryLease(_commitLog, offset, size, out var record)
                && MessageView.TryRead(record.Span, checkCrc: false, out var view, out _) == RecordReadStatus.Ok
                && view.TopicUtf8.SequenceEqual(topicUtf8))
            {
                result.Add(record);
                if (offset > result.IndexLastUpdatePhyOffset)
                {
                    result.IndexLastUpdatePhyOffset = offset;
                    result.IndexLastUpdateTimestamp = view.StoreTimestamp;
                }
            }
        }
        return result;
    }

    private long StoreTimestampAt(long physicalOffset)
    {
        Span<byte> header = stackalloc byte[MessageRecord.BornHostPosition + 20 + 8];
        if (_commitLog.ReadCommitted(physicalOffset, header) != header.Length
            || BinaryPrimitives.ReadInt32BigEndian(header[MessageRecord.MagicPosition..]) != MessageRecord.MagicCode)
        {
            return -1;
        }
        int sysFlag = BinaryPrimitives.ReadInt32BigEndian(header[MessageRecord.SysFlagPosition..]);
        return BinaryPrimitives.ReadInt64BigEndian(header[MessageRecord.StoreTimestampPosition(sysFlag)..]);
    }
}
