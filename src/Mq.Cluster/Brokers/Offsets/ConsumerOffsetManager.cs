using System.Collections.Concurrent;
using Mq.Protocol.Body;

namespace Mq.Brokers.Offsets;

/// <summary>
/// Committed consumer offsets (RocketMQ <c>ConsumerOffsetManager</c>): (topic, group) → queueId → next offset
/// to consume. Kept in memory, persisted to <c>config/consumerOffset.json</c> (<c>{"offsetTable":{"topic@group":{qid:offset}}}</c>)
/// every <see cref="BrokerOptions.FlushConsumerOffsetInterval"/> and at stop.
/// </summary>
internal sealed class ConsumerOffsetManager
{
    private const char Separator = '@';

    // A tuple key: committing an offset on every pull allocates no "topic@group" string.
    private readonly ConcurrentDictionary<(string Topic, string Group), ConcurrentDictionary<int, long>> _offsets = new();
    private readonly object _persistLock = new();
    private readonly string _path;
    private long _version;
    private long _persistedVersion;

    public ConsumerOffsetManager(BrokerOptions options) =>
        _path = Path.Combine(options.StorePathRootDir, "config", "consumerOffset.json");

    public void Load()
    {
        ConsumerOffsetSerializeWrapper? wrapper = ConfigFile.Read(_path, static bytes => ConsumerOffsetSerializeWrapper.Decode(bytes));
        if (wrapper is null)
        {
            return;
        }
        foreach (KeyValuePair<string, Dictionary<int, long>> entry in wrapper.OffsetTable)
        {
            int at = entry.Key.IndexOf(Separator, StringComparison.Ordinal);
            if (at <= 0 || at == entry.Key.Length - 1)
            {
                continue;
            }
            var queues = new ConcurrentDictionary<int, long>(entry.Value);
            _offsets[(entry.Key[..at], entry.Key[(at + 1)..])] = queues;
        }
    }

    /// <summary>Stores the next offset to consume; negative offsets are ignored (ali-ons sends -1 for "no progress").</summary>
    public void Commit(string group, string topic, int queueId, long offset)
    {
        if (offset < 0)
        {
            return;
        }
        ConcurrentDictionary<int, long> queues = _offsets.GetOrAdd((topic, group), static _ => new ConcurrentDictionary<int, long>());
        queues[queueId] = offset;
        Interlocked.Increment(ref _version);
    }

    /// <summary>The committed offset, or -1 when none.</summary>
    public long Query(string group, string topic, int queueId) =>
        _offsets.TryGetValue((topic, group), out ConcurrentDictionary<int, long>? queues) && queues.TryGetValue(queueId, out long offset) ? offset : -1;

    /// <summary>Every queue's committed offset of a group on a topic (empty when none).</summary>
    public IReadOnlyDictionary<int, long> QueryAll(string group, string topic) =>
        _offsets.TryGetValue((topic, group), out ConcurrentDictionary<int, long>? queues) ? new Dictionary<int, long>(queues) : new Dictionary<int, long>();

    /// <summary>Groups with committed offsets on <paramref name="topic"/>.</summary>
    public HashSet<string> WhichGroupByTopic(string topic)
    {
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<(string Topic, string Group), ConcurrentDictionary<int, long>> entry in _offsets)
        {
            if (entry.Key.Topic == topic)
            {
                groups.Add(entry.Key.Group);
            }
        }
        return groups;
    }

    /// <summary>Topics on which <paramref name="group"/> has committed offsets.</summary>
    public HashSet<string> WhichTopicByGroup(string group)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<(string Topic, string Group), ConcurrentDictionary<int, long>> entry in _offsets)
        {
            if (entry.Key.Group == group)
            {
                topics.Add(entry.Key.Topic);
            }
        }
        return topics;
    }

    /// <summary>Drops every offset of a topic (topic deleted).</summary>
    /// <summary>Gives <paramref name="destination"/> a copy of <paramref name="source"/>'s offsets on <paramref name="topic"/> (CLONE_GROUP_OFFSET); false when the source has none.</summary>
    public bool Clone(string source, string destination, string topic)
    {
        if (!_offsets.TryGetValue((topic, source), out ConcurrentDictionary<int, long>? queues))
        {
            return false;
        }
        _offsets[(topic, destination)] = new ConcurrentDictionary<int, long>(queues);
        Interlocked.Increment(ref _version);
        return true;
    }

    /// <summary>
    /// Per queue of <paramref name="topic"/>, the smallest offset any group other than <paramref name="excludedGroups"/> committed
    /// that is still at or past the queue's minimum (RocketMQ <c>queryMinOffsetInAllGroup</c>, without its removal of the excluded
    /// groups' offsets from the table).
    /// </summary>
    public Dictionary<int, long> MinOffsetInAllGroups(string topic, IReadOnlySet<string> excludedGroups, Func<int, long> queueMinOffset)
    {
        var result = new Dictionary<int, long>();
        foreach (KeyValuePair<(string Topic, string Group), ConcurrentDictionary<int, long>> entry in _offsets)
        {
            if (entry.Key.Topic != topic || excludedGroups.Contains(entry.Key.Group))
            {
                continue;
            }
            foreach (KeyValuePair<int, long> queue in entry.Value)
            {
                if (queue.Value >= queueMinOffset(queue.Key))
                {
                    result[queue.Key] = result.TryGetValue(queue.Key, out long known) ? Math.Min(known, queue.Value) : queue.Value;
                }
            }
        }
        return result;
    }

    public void RemoveTopic(string topic)
    {
        foreach (KeyValuePair<(string Topic, string Group), ConcurrentDictionary<int, long>> entry in _offsets)
        {
            if (entry.Key.Topic == topic)
            {
                _offsets.TryRemove(entry.Key, out _);
            }
        }
        Interlocked.Increment(ref _version);
    }

    /// <summary>
    /// A slave's copy of its master's offsets (RocketMQ <c>SlaveSynchronize.syncConsumerOffset</c>: putAll):
    /// every topic@group the master knows replaces the local entry; entries only this slave has are kept
    /// (offsets committed here while the master was away, until the master knows the group).
    /// </summary>
    public void MergeFromMaster(ConsumerOffsetSerializeWrapper master)
    {
        foreach (KeyValuePair<string, Dictionary<int, long>> entry in master.OffsetTable)
        {
            int at = entry.Key.IndexOf(Separator, StringComparison.Ordinal);
            if (at <= 0 || at == entry.Key.Length - 1)
            {
                continue;
            }
            _offsets[(entry.Key[..at], entry.Key[(at + 1)..])] = new ConcurrentDictionary<int, long>(entry.Value);
        }
        Interlocked.Increment(ref _version);
    }

    /// <summary>GET_ALL_CONSUMER_OFFSET body and the file content.</summary>
    public ConsumerOffsetSerializeWrapper Snapshot()
    {
        var wrapper = new ConsumerOffsetSerializeWrapper();
        foreach (KeyValuePair<(string Topic, string Group), ConcurrentDictionary<int, long>> entry in _offsets)
        {
            wrapper.OffsetTable[entry.Key.Topic + Separator + entry.Key.Group] = new Dictionary<int, long>(entry.Value);
        }
        return wrapper;
    }

    /// <summary>Writes the file when something changed since the last write (or always with <paramref name="force"/>).</summary>
    public void Persist(bool force = false)
    {
        lock (_persistLock)
        {
            long version = Interlocked.Read(ref _version);
            if (!force && version == _persistedVersion)
            {
                return;
            }
            ConfigFile.Write(_path, Snapshot().Encode());
            _persistedVersion = version;
        }
    }
}
