using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mq.Protocol.Body;

namespace Mq.Brokers.Groups;

/// <summary>
/// Consumer group configs (RocketMQ <c>SubscriptionGroupManager</c>): auto-created with RocketMQ's
/// defaults when <see cref="BrokerOptions.AutoCreateSubscriptionGroup"/> is on, persisted to
/// <c>config/subscriptionGroup.json</c> as a SubscriptionGroupWrapper.
/// </summary>
internal sealed class SubscriptionGroupManager
{
    private readonly ConcurrentDictionary<string, SubscriptionGroupConfig> _groups = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly string _path;
    private readonly bool _autoCreate;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private DataVersion _dataVersion;

    public SubscriptionGroupManager(BrokerOptions options, TimeProvider time, ILogger logger)
    {
        _path = Path.Combine(options.StorePathRootDir, "config", "subscriptionGroup.json");
        _autoCreate = options.AutoCreateSubscriptionGroup;
        _time = time;
        _logger = logger;
        _dataVersion = new DataVersion(time.GetUtcNow().ToUnixTimeMilliseconds(), 0);
        // Reserved groups RocketMQ creates at start (MixAll / SubscriptionGroupManager.init).
        foreach (string group in (ReadOnlySpan<string>)["TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY", "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER"])
        {
            _groups[group] = new SubscriptionGroupConfig { GroupName = group, ConsumeBroadcastEnable = true };
        }
    }

    public int Count => _groups.Count;

    public void Load()
    {
        SubscriptionGroupWrapper? wrapper = ConfigFile.Read(_path, static bytes => SubscriptionGroupWrapper.Decode(bytes));
        if (wrapper is null)
        {
            return;
        }
        foreach (KeyValuePair<string, SubscriptionGroupConfig> entry in wrapper.SubscriptionGroupTable)
        {
            entry.Value.GroupName = entry.Key;
            _groups[entry.Key] = entry.Value;
        }
        _dataVersion = wrapper.DataVersion;
    }

    public SubscriptionGroupConfig? Find(string group) => _groups.TryGetValue(group, out SubscriptionGroupConfig? config) ? config : null;

    /// <summary>The group's config, auto-created when allowed (RocketMQ <c>findSubscriptionGroupConfig</c>); null otherwise.</summary>
    public SubscriptionGroupConfig? FindOrCreate(string group)
    {
        if (_groups.TryGetValue(group, out SubscriptionGroupConfig? config))
        {
            return config;
        }
        if (!_autoCreate)
        {
            return null;
        }
        lock (_gate)
        {
            if (_groups.TryGetValue(group, out config))
            {
                return config;
            }
            config = new SubscriptionGroupConfig { GroupName = group };
            _groups[group] = config;
            _dataVersion = _dataVersion.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
            PersistLocked();
        }
        BrokerLog.GroupCreated(_logger, group);
        return config;
    }

    /// <summary>Creates or replaces a group config.</summary>
    public void Update(SubscriptionGroupConfig config)
    {
        lock (_gate)
        {
            _groups[config.GroupName] = config;
            _dataVersion = _dataVersion.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
            PersistLocked();
        }
    }

    /// <summary>Removes a group; false when unknown.</summary>
    public bool Delete(string group)
    {
        lock (_gate)
        {
            if (!_groups.TryRemove(group, out _))
            {
                return false;
            }
            _dataVersion = _dataVersion.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
            PersistLocked();
            return true;
        }
    }

    /// <summary>GET_ALL_SUBSCRIPTIONGROUP_CONFIG body.</summary>
    public SubscriptionGroupWrapper Snapshot()
    {
        lock (_gate)
        {
            var wrapper = new SubscriptionGroupWrapper { DataVersion = _dataVersion };
            foreach (KeyValuePair<string, SubscriptionGroupConfig> entry in _groups)
            {
                wrapper.SubscriptionGroupTable[entry.Key] = entry.Value;
            }
            return wrapper;
        }
    }

    /// <summary>
    /// A slave's copy of its master's groups (RocketMQ <c>SlaveSynchronize.syncSubscriptionGroupConfig</c>):
    /// replaced and persisted when the master's DataVersion differs. True when replaced.
    /// </summary>
    public bool ReplaceFromMaster(SubscriptionGroupWrapper master)
    {
        lock (_gate)
        {
            if (master.DataVersion == _dataVersion)
            {
                return false;
            }
            _groups.Clear();
            foreach (KeyValuePair<string, SubscriptionGroupConfig> entry in master.SubscriptionGroupTable)
            {
                entry.Value.GroupName = entry.Key;
                _groups[entry.Key] = entry.Value;
            }
            _dataVersion = master.DataVersion;
            PersistLocked();
            return true;
        }
    }

    public void Persist()
    {
        lock (_gate)
        {
            PersistLocked();
        }
    }

    private void PersistLocked() => ConfigFile.Write(_path, Snapshot().Encode());
}
