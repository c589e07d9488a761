using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Mq.Storage.Devices;

namespace Mq.Storage.ConsumeQueue;

/// <summary>All consume queues by topic and queue id; lookups by span do not allocate.</summary>
internal sealed class ConsumeQueueTable
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, ConsumeQueue>> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, ConsumeQueue>>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly string _root;
    private readonly int _fileSize;
    private readonly ISegmentDeviceProvider _provider;
    private readonly ILogger _logger;

    public ConsumeQueueTable(StoreOptions options, ISegmentDeviceProvider provider, ILogger logger)
    {
        _root = Path.Combine(options.StorePathRootDir, "consumequeue");
        _fileSize = options.MappedFileSizeConsumeQueue;
        _provider = provider;
        _logger = logger;
        _bySpan = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public void Load()
    {
        foreach (var topic in _provider.ListDirectories(_root))
        {
            foreach (var queue in _provider.ListDirectories(Path.Combine(_root, topic)))
            {
                if (int.TryParse(queue, NumberStyles.None, CultureInfo.InvariantCulture, out int queueId))
                {
                    var cq = Create(topic, queueId);
                    cq.Load();
                    _topics.GetOrAdd(topic, static _ => new ConcurrentDictionary<int, ConsumeQueue>())[queueId] = cq;
                }
            }
        }
    }

    public ConsumeQueue? Find(string topic, int queueId) =>
        _topics.TryGetValue(topic, out var queues) && queues.TryGetValue(queueId, out var cq) ? cq : null;

    public ConsumeQueue GetOrCreate(ReadOnlySpan<char> topic, int queueId)
    {
        if (!_bySpan.TryGetValue(topic, out var queues))
        {
            string name = topic.ToString();
            queues = _topics.GetOrAdd(name, static _ => new ConcurrentDictionary<int, ConsumeQueue>());
        }
        if (queues.TryGetValue(queueId, out var cq))
        {
            return cq;
        }
        string topicName = queues.IsEmpty ? topic.ToString() : FirstTopicName(queues);
        return queues.GetOrAdd(queueId, static (id, s) => s.Table.Create(s.Topic, id), (Table: this, Topic: topicName));
    }

    /// <summary>Forgets a topic's queues and deletes their files and folders; returns how many there were.</summary>
    public int RemoveTopic(string topic)
    {
        if (!_topics.TryRemove(topic, out var queues))
        {
            return 0;
        }
        int removed = 0;
        foreach (var (_, cq) in queues)
        {
            cq.Destroy();
            removed++;
        }
        _provider.DeleteDirectoryIfEmpty(Path.Combine(_root, topic));
        return removed;
    }

    /// <summary>Forgets one queue and deletes its files (and the topic's folder once it holds no queue).</summary>
    public bool RemoveQueue(string topic, int queueId)
    {
        if (!_topics.TryGetValue(topic, out var queues) || !queues.TryRemove(queueId, out var cq))
        {
            return false;
        }
        cq.Destroy();
        if (queues.IsEmpty && _topics.TryRemove(new KeyValuePair<string, ConcurrentDictionary<int, ConsumeQueue>>(topic, queues)))
        {
            _provider.DeleteDirectoryIfEmpty(Path.Combine(_root, topic));
        }
        return true;
    }

    public bool IsEmpty
    {
        get
        {
            foreach (var (_, queues) in _topics)
            {
                if (!queues.IsEmpty)
                {
                    return false;
                }
            }
            return true;
        }
    }

    public IEnumerable<ConsumeQueue> All()
    {
        foreach (var (_, queues) in _topics)
        {
            foreach (var (_, cq) in queues)
            {
                yield return cq;
            }
        }
    }

    private static string FirstTopicName(ConcurrentDictionary<int, ConsumeQueue> queues)
    {
        foreach (var (_, cq) in queues)
        {
            return cq.Topic;
        }
        return string.Empty;
    }

    private ConsumeQueue Create(string topic, int queueId) => new(_root, topic, queueId, _fileSize, _provider, _logger);
}
