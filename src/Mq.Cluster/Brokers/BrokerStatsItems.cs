using System.Collections.Concurrent;
using Mq.Protocol.Body;

namespace Mq.Brokers;

/// <summary>
/// RocketMQ <c>BrokerStatsManager</c>'s stats items for VIEW_BROKER_STATS_DATA (<c>mqadmin statsAll</c>,
/// <c>brokerConsumeStats</c> tooling): per topic the messages and bytes stored, per topic and group the messages and
/// bytes pulled, and the broker's totals. Each item keeps a running sum and count, snapshotted every 10 s (7 kept:
/// the last minute), every 10 min (the last hour) and every hour (25 kept: the last day), as Java's StatsItem does.
/// </summary>
internal sealed class BrokerStatsItems
{
    public const string TopicPutNums = "TOPIC_PUT_NUMS";
    public const string TopicPutSize = "TOPIC_PUT_SIZE";
    public const string GroupGetNums = "GROUP_GET_NUMS";
    public const string GroupGetSize = "GROUP_GET_SIZE";
    public const string BrokerPutNums = "BROKER_PUT_NUMS";
    public const string BrokerGetNums = "BROKER_GET_NUMS";

    private readonly ConcurrentDictionary<string, Item> _topicPutNums = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Item> _topicPutSize = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Topic, string Group), Item> _groupGetNums = new();
    private readonly ConcurrentDictionary<(string Topic, string Group), Item> _groupGetSize = new();
    private readonly Item _brokerPutNums = new();
    private readonly Item _brokerGetNums = new();
    private readonly string _clusterName;
    private long _samples;

    public BrokerStatsItems(string clusterName) => _clusterName = clusterName;

    /// <summary>Samples taken so far (tests wait on it).</summary>
    public long Samples => Interlocked.Read(ref _samples);

    public void Stored(string topic, int messages, long bytes)
    {
        _topicPutNums.GetOrAdd(topic, static _ => new Item()).Add(messages, 1);
        _topicPutSize.GetOrAdd(topic, static _ => new Item()).Add(bytes, 1);
        _brokerPutNums.Add(messages, 1);
    }

    public void Pulled(string topic, string group, int messages, long bytes)
    {
        _groupGetNums.GetOrAdd((topic, group), static _ => new Item()).Add(messages, 1);
        _groupGetSize.GetOrAdd((topic, group), static _ => new Item()).Add(bytes, 1);
        _brokerGetNums.Add(messages, 1);
    }

    /// <summary>Called every 10 s: the minute snapshots each time, the hour ones every 10 min, the day ones every hour.</summary>
    public void Sample(long nowMs)
    {
        long sample = Interlocked.Increment(ref _samples);
        foreach (Item item in AllItems())
        {
            item.Minute.Add(item, nowMs, keep: 7);
            if (sample % 60 == 0)
            {
                item.Hour.Add(item, nowMs, keep: 7);
            }
            if (sample % 360 == 0)
            {
                item.Day.Add(item, nowMs, keep: 25);
            }
        }
    }

    /// <summary>The item <paramref name="name"/> / <paramref name="key"/> (a topic, <c>topic@group</c>, or the cluster name), or null.</summary>
    public BrokerStatsData? View(string name, string key)
    {
        Item? item = name switch
        {
            TopicPutNums => _topicPutNums.GetValueOrDefault(key),
            TopicPutSize => _topicPutSize.GetValueOrDefault(key),
            GroupGetNums => TopicAtGroup(key) is { } tg ? _groupGetNums.GetValueOrDefault(tg) : null,
            GroupGetSize => TopicAtGroup(key) is { } tg ? _groupGetSize.GetValueOrDefault(tg) : null,
            BrokerPutNums when key == _clusterName => _brokerPutNums,
            BrokerGetNums when key == _clusterName => _brokerGetNums,
            _ => null,
        };
        return item is null ? null : new BrokerStatsData { StatsMinute = item.Minute.Compute(), StatsHour = item.Hour.Compute(), StatsDay = item.Day.Compute() };
    }

    /// <summary>Messages a group pulled from a topic per second over the last minute (RocketMQ <c>tpsGroupGetNums</c>).</summary>
    public double GroupGetTps(string topic, string group) =>
        _groupGetNums.TryGetValue((topic, group), out Item? item) ? item.Minute.Compute().Tps : 0;

    // Topic names cannot contain '@' (RocketMQ's topic rule), so the first one separates the two.
    private static (string, string)? TopicAtGroup(string key)
    {
        int at = key.IndexOf('@', StringComparison.Ordinal);
        return at <= 0 ? null : (key[..at], key[(at + 1)..]);
    }

    private IEnumerable<Item> AllItems()
    {
        foreach (Item item in _topicPutNums.Values)
        {
            yield return item;
        }
        foreach (Item item in _topicPutSize.Values)
        {
            yield return item;
        }
        foreach (Item item in _groupGetNums.Values)
        {
            yield return item;
        }
        foreach (Item item in _groupGetSize.Values)
        {
            yield return item;
        }
        yield return _brokerPutNums;
        yield return _brokerGetNums;
    }

    private sealed class Item
    {
        public long Value;
        public long Times;

        public Snapshots Minute { get; } = new();

        public Snapshots Hour { get; } = new();

        public Snapshots Day { get; } = new();

        public void Add(long value, long times)
        {
            Interlocked.Add(ref Value, value);
            Interlocked.Add(ref Times, times);
        }
    }

    private sealed class Snapshots
    {
        private readonly Queue<(long Timestamp, long Value, long Times)> _list = new();

        public void Add(Item item, long nowMs, int keep)
        {
            lock (_list)
            {
                _list.Enqueue((nowMs, Interlocked.Read(ref item.Value), Interlocked.Read(ref item.Times)));
                if (_list.Count > keep)
                {
                    _list.Dequeue();
                }
            }
        }

        // RocketMQ StatsItem.computeStatsData: the change between the oldest and newest snapshot kept.
        public BrokerStatsItem Compute()
        {
            lock (_list)
            {
                if (_list.Count == 0)
                {
                    return new BrokerStatsItem();
                }
                (long Timestamp, long Value, long Times) first = _list.Peek();
                (long Timestamp, long Value, long Times) last = _list.Last();
                long sum = last.Value - first.Value;
                long span = last.Timestamp - first.Timestamp;
                long times = last.Times - first.Times;
                return new BrokerStatsItem
                {
                    Sum = sum,
                    Tps = span > 0 ? sum * 1000.0 / span : 0,
                    Avgpt = times > 0 ? (double)sum / times : 0,
                };
            }
        }
    }
}
