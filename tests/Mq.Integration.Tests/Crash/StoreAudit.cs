using System.Buffers.Binary;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.ConsumeQueue;

namespace Mq.Tests.Crash;

/// <summary>
/// Offline check of a store folder (opened in the test process after the broker was killed): every record of the
/// commit log has the consume-queue entry its header names, and every consume-queue entry points at a valid record
/// of that topic, queue and queue offset.
/// </summary>
internal static class StoreAudit
{
    public static async Task<(long Records, long Entries, List<string> Problems)> RunAsync(StoreOptions options)
    {
        var problems = new List<string>();
        long records = 0;
        long entries = 0;
        MessageStore store = await MessageStore.OpenAsync(options);
        try
        {
            await store.WaitForDispatchAsync(store.CommitLogMaxOffset);
            int segmentSize = options.MappedFileSizeCommitLog;
            long offset = store.CommitLogMinOffset;
            long end = store.CommitLogMaxOffset;
            byte[] header = new byte[8];
            while (offset < end && problems.Count < 20)
            {
                using StoredMessage? stored = store.ReadMessage(offset);
                if (stored is null)
                {
                    if (store.ReadCommitted(offset, header) == 8 && BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)) == MessageRecord.BlankMagicCode)
                    {
                        offset = ((offset / segmentSize) + 1) * segmentSize;
                        continue;
                    }
                    problems.Add($"commit log: no valid record at {offset} (end {end})");
                    break;
                }
                DecodedMessage record = stored.Decode();
                records++;
                ConsumeQueue? queue = store.Queues.Find(record.Topic, record.QueueId);
                if (queue is null || !queue.TryReadEntry(record.QueueOffset, out ConsumeQueueEntry entry)
                    || entry.PhysicalOffset != offset || entry.Size != record.StoreSize)
                {
                    problems.Add($"commit log record at {offset} ({record.Topic}/{record.QueueId} queue offset {record.QueueOffset}) has no matching consume-queue entry");
                }
                offset += record.StoreSize;
            }
            foreach (ConsumeQueue queue in store.Queues.All())
            {
                for (long o = queue.MinOffset; o < queue.MaxOffset && problems.Count < 40; o++)
                {
                    entries++;
                    if (!queue.TryReadEntry(o, out ConsumeQueueEntry entry))
                    {
                        problems.Add($"consume queue {queue.Topic}/{queue.QueueId}: entry {o} is empty");
                        continue;
                    }
                    using StoredMessage? stored = store.ReadMessage(entry.PhysicalOffset);
                    DecodedMessage? record = stored?.Decode();
                    if (record is null || record.Topic != queue.Topic || record.QueueId != queue.QueueId || record.QueueOffset != o || record.StoreSize != entry.Size)
                    {
                        problems.Add($"consume queue {queue.Topic}/{queue.QueueId}: entry {o} -> {entry.PhysicalOffset}/{entry.Size} is not that message's record");
                    }
                }
            }
        }
        finally
        {
            await store.DisposeAsync();
        }
        return (records, entries, problems);
    }
}
