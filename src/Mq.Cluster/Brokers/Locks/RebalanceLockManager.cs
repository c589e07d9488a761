using System.Collections.Concurrent;
using Mq.Protocol.Body;

namespace Mq.Brokers.Locks;

/// <summary>
/// Queue locks of orderly consumers (RocketMQ <c>RebalanceLockManager</c>): group → queue → holder. A lock
/// is held by one client id until it is unlocked or not renewed for <c>lockMaxLiveTime</c>; then any client
/// of the group may take it. Time comes from <see cref="TimeProvider"/>.
/// </summary>
internal sealed class RebalanceLockManager(TimeProvider time, TimeSpan maxLiveTime)
{
    private readonly ConcurrentDictionary<string, Dictionary<MessageQueue, LockEntry>> _groups = new(StringComparer.Ordinal);
    private readonly long _maxLiveMillis = (long)maxLiveTime.TotalMilliseconds;

    /// <summary>Locks (or renews) every queue it can for <paramref name="clientId"/>; returns the queues the client now holds.</summary>
    public List<MessageQueue> TryLockBatch(string group, IEnumerable<MessageQueue> queues, string clientId)
    {
        Dictionary<MessageQueue, LockEntry> table = _groups.GetOrAdd(group, static _ => []);
        var locked = new List<MessageQueue>();
        long now = Now();
        lock (table)
        {
            foreach (MessageQueue queue in queues)
            {
                if (!table.TryGetValue(queue, out LockEntry? entry))
                {
                    table[queue] = new LockEntry(clientId, now);
                    locked.Add(queue);
                    continue;
                }
                if (entry.ClientId == clientId)
                {
                    entry.LastUpdate = now;
                    locked.Add(queue);
                    continue;
                }
                if (now - entry.LastUpdate > _maxLiveMillis)
                {
                    // The previous holder stopped renewing: take the queue over (RocketMQ logs this as a warning).
                    entry.ClientId = clientId;
                    entry.LastUpdate = now;
                    locked.Add(queue);
                }
            }
        }
        return locked;
    }

    /// <summary>Releases the queues held by <paramref name="clientId"/>; locks of other clients are left alone.</summary>
    public void UnlockBatch(string group, IEnumerable<MessageQueue> queues, string clientId)
    {
        if (!_groups.TryGetValue(group, out Dictionary<MessageQueue, LockEntry>? table))
        {
            return;
        }
        lock (table)
        {
            foreach (MessageQueue queue in queues)
            {
                if (table.TryGetValue(queue, out LockEntry? entry) && entry.ClientId == clientId)
                {
                    table.Remove(queue);
                }
            }
        }
    }

    /// <summary>True when <paramref name="clientId"/> holds an unexpired lock on the queue (renews it, as RocketMQ's <c>isLocked</c> does).</summary>
    public bool IsLocked(string group, MessageQueue queue, string clientId)
    {
        if (!_groups.TryGetValue(group, out Dictionary<MessageQueue, LockEntry>? table))
        {
            return false;
        }
        long now = Now();
        lock (table)
        {
            if (table.TryGetValue(queue, out LockEntry? entry) && entry.ClientId == clientId && now - entry.LastUpdate <= _maxLiveMillis)
            {
                entry.LastUpdate = now;
                return true;
            }
        }
        return false;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class LockEntry(string clientId, long lastUpdate)
    {
        public string ClientId { get; set; } = clientId;

        public long LastUpdate { get; set; } = lastUpdate;
    }
}
