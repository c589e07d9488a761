using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mq.Protocol.Body;

namespace Mq.Brokers.Topics;

/// <summary>
/// The broker's topic table (RocketMQ <c>TopicConfigManager</c>): system topics created at start, TBW102
/// auto-creation, admin create/update/delete, persisted to <c>config/topics.json</c> as a
/// TopicConfigSerializeWrapper. Every change bumps the <see cref="DataVersion"/> and raises
/// <see cref="Changed"/> (the broker re-registers with its NameServers).
/// </summary>
internal sealed class TopicConfigManager
{
    private readonly ConcurrentDictionary<string, TopicConfig> _topics = new(StringComparer.Ordinal);
    private readonly object _createLock = new();
    private readonly string _path;
    private readonly bool _autoCreateTopicEnable;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DataVersion _dataVersion;

    public TopicConfigManager(BrokerOptions options, TimeProvider time, ILogger logger)
    {
        _path = Path.Combine(options.StorePathRootDir, "config", "topics.json");
        _autoCreateTopicEnable = options.AutoCreateTopicEnable;
        _time = time;
        _logger = logger;
        _dataVersion = new DataVersion(time.GetUtcNow().ToUnixTimeMilliseconds(), 0);
        AddSystemTopics(options);
    }

    /// <summary>Raised after a topic was created, updated or deleted (outside any lock).</summary>
    public event Action? Changed;

    public DataVersion DataVersion
    {
        get
        {
            lock (_createLock)
            {
                return _dataVersion;
            }
        }
    }

    public int Count => _topics.Count;

    public TopicConfig? Find(string topic) => _topics.TryGetValue(topic, out TopicConfig? config) ? config : null;

    /// <summary>Loads <c>topics.json</c> (or its backup); file entries replace the defaults of the same name.</summary>
    public void Load()
    {
        TopicConfigSerializeWrapper? wrapper = ConfigFile.Read(_path, static bytes => TopicConfigSerializeWrapper.Decode(bytes));
        if (wrapper is null)
        {
            return;
        }
        foreach (KeyValuePair<string, TopicConfig> entry in wrapper.TopicConfigTable)
        {
            entry.Value.TopicName = entry.Key;
            _topics[entry.Key] = entry.Value;
        }
        _dataVersion = wrapper.DataVersion;
    }

    /// <summary>A snapshot of every topic with the current version (REGISTER_BROKER and GET_ALL_TOPIC_CONFIG body).</summary>
    public TopicConfigSerializeWrapper Snapshot()
    {
        lock (_createLock)
        {
            var wrapper = new TopicConfigSerializeWrapper { DataVersion = _dataVersion };
            foreach (KeyValuePair<string, TopicConfig> entry in _topics)
            {
                wrapper.TopicConfigTable[entry.Key] = entry.Value.Clone();
            }
            return wrapper;
        }
    }

    /// <summary>
    /// Auto-creation on send (RocketMQ <c>createTopicInSendMessageMethod</c>): when <paramref name="topic"/> is
    /// unknown and <paramref name="defaultTopic"/> exists with the INHERIT bit, create it with
    /// min(requested, template write queues) queues and the template's permission minus INHERIT.
    /// Null when it cannot be created.
    /// </summary>
    public TopicConfig? CreateTopicInSendMessageMethod(string topic, string defaultTopic, string remoteAddress, int clientDefaultTopicQueueNums, int topicSysFlag)
    {
        TopicConfig? created;
        lock (_createLock)
        {
            if (_topics.TryGetValue(topic, out TopicConfig? existing))
            {
                return existing;
            }
            if (!_topics.TryGetValue(defaultTopic, out TopicConfig? template))
            {
                BrokerLog.TopicCreateRefused(_logger, topic, defaultTopic, remoteAddress, "the default topic does not exist");
                return null;
            }
            int templatePerm = template.Perm;
            if (defaultTopic == TopicValidator.AutoCreateTopicKey && !_autoCreateTopicEnable)
            {
                // RocketMQ downgrades TBW102 to R|W when auto-creation is off, so it is never inherited.
                templatePerm = PermName.Read | PermName.Write;
            }
            if (!PermName.IsInherited(templatePerm))
            {
                BrokerLog.TopicCreateRefused(_logger, topic, defaultTopic, remoteAddress, "the default topic has no INHERIT permission");
                return null;
            }
            int queueNums = Math.Max(1, Math.Min(clientDefaultTopicQueueNums, template.WriteQueueNums));
            created = new TopicConfig
            {
                TopicName = topic,
                ReadQueueNums = queueNums,
                WriteQueueNums = queueNums,
                Perm = templatePerm & ~PermName.Inherit,
                TopicSysFlag = topicSysFlag,
                TopicFilterType = template.TopicFilterType,
            };
            PutLocked(created);
        }
        BrokerLog.TopicCreated(_logger, topic, created.WriteQueueNums, created.Perm, remoteAddress);
        Changed?.Invoke();
        return created;
    }

    /// <summary>
    /// Creates a broker-owned topic when absent (RocketMQ <c>createTopicInSendMessageBackMethod</c>): retry,
    /// dead-letter and transaction topics. Returns the existing or new config.
    /// </summary>
    public TopicConfig CreateTopicIfAbsent(string topic, int queueNums, int perm, int topicSysFlag = 0)
    {
        TopicConfig created;
        lock (_createLock)
        {
            if (_topics.TryGetValue(topic, out TopicConfig? existing))
            {
                return existing;
            }
            created = new TopicConfig { TopicName = topic, ReadQueueNums = queueNums, WriteQueueNums = queueNums, Perm = perm, TopicSysFlag = topicSysFlag };
            PutLocked(created);
        }
        BrokerLog.TopicCreated(_logger, topic, queueNums, perm, "broker");
        Changed?.Invoke();
        return created;
    }

    /// <summary>Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC).</summary>
    public void Update(TopicConfig config)
    {
        lock (_createLock)
        {
            PutLocked(config.Clone());
        }
        BrokerLog.TopicUpdated(_logger, config.TopicName, config.ReadQueueNums, config.WriteQueueNums, config.Perm);
        Changed?.Invoke();
    }

    /// <summary>Removes a topic (DELETE_TOPIC_IN_BROKER); false when unknown.</summary>
    public bool Delete(string topic)
    {
        lock (_createLock)
        {
            if (!_topics.TryRemove(topic, out _))
            {
                return false;
            }
            _dataVersion = _dataVersion.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
            Persist();
        }
        BrokerLog.TopicDeleted(_logger, topic);
        Changed?.Invoke();
        return true;
    }

    /// <summary>
    /// A slave's copy of its master's table (RocketMQ <c>SlaveSynchronize.syncTopicConfig</c>): when the
    /// master's DataVersion differs, the whole table and version are replaced and persisted. True when replaced.
    /// </summary>
    public bool ReplaceFromMaster(TopicConfigSerializeWrapper master)
    {
        lock (_createLock)
        {
            if (master.DataVersion == _dataVersion)
            {
                return false;
            }
            _topics.Clear();
            foreach (KeyValuePair<string, TopicConfig> entry in master.TopicConfigTable)
            {
                entry.Value.TopicName = entry.Key;
                _topics[entry.Key] = entry.Value;
            }
            _dataVersion = master.DataVersion;
            Persist();
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Writes <c>topics.json</c>.</summary>
    public void Persist()
    {
        lock (_createLock)
        {
            ConfigFile.Write(_path, Snapshot().Encode());
        }
    }

    private void PutLocked(TopicConfig config)
    {
        _topics[config.TopicName] = config;
        _dataVersion = _dataVersion.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
        Persist();
    }

    private void AddSystemTopics(BrokerOptions options)
    {
        const int ReadWrite = PermName.Read | PermName.Write;
        Add(TopicValidator.SelfTestTopic, 1, ReadWrite);
        if (options.AutoCreateTopicEnable)
        {
            Add(TopicValidator.AutoCreateTopicKey, options.DefaultTopicQueueNums, PermName.Inherit | ReadWrite);
        }
        Add(TopicValidator.BenchmarkTopic, 1024, ReadWrite);
        // Cluster and broker name topics let admin tools send to "the cluster"/"this broker".
        Add(options.BrokerClusterName, 16, PermName.Inherit | ReadWrite);
        Add(options.BrokerName, 1, PermName.Inherit | ReadWrite);
        Add(TopicValidator.OffsetMovedEvent, 1, ReadWrite);
        Add(TopicValidator.ScheduleTopic, 18, ReadWrite);
        Add(options.BrokerClusterName + "_" + TopicValidator.ReplyTopicPostfix, 1, ReadWrite);
        // RocketMQ 4.9 creates the transaction topics lazily with one queue; creating them up front
        // lets the transaction service and the NameServer see them from the first registration.
        Add(TopicValidator.TransHalfTopic, 1, ReadWrite);
        Add(TopicValidator.TransOpHalfTopic, 1, ReadWrite);
        if (options.TraceTopicEnable)
        {
            Add(options.MsgTraceTopicName, 1, ReadWrite);
        }
        if (options.TimerWheelEnable)
        {
            // RocketMQ 5 creates the timer topic with one queue when the wheel is on.
            Add(TopicValidator.TimerTopic, 1, ReadWrite);
        }

        void Add(string topic, int queues, int perm) =>
            _topics[topic] = new TopicConfig { TopicName = topic, ReadQueueNums = queues, WriteQueueNums = queues, Perm = perm };
    }
}
