using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.NameServers;

/// <summary>
/// The NameServer's namespaced key/value config (RocketMQ <c>KVConfigManager</c>): PUT/GET/DELETE_KV_CONFIG
/// and GET_KVLIST_BY_NAMESPACE. Persisted after every change to <c>kvConfig.json</c>
/// (<c>{"configTable":{ns:{k:v}}}</c>) by writing a temp file and renaming it over the old one, whose
/// previous content is kept as <c>.bak</c>. Thread-safe.
/// </summary>
public sealed class KvConfigStore
{
    /// <summary>Namespace whose entries (topic → <c>brokerName:queueCount;…</c>) feed routes' <c>orderTopicConf</c>.</summary>
    public const string OrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

    private readonly Lock _lock = new();
    private readonly string? _path;
    private readonly Dictionary<string, Dictionary<string, string>> _table;
    private long _version;

    private KvConfigStore(string? path, Dictionary<string, Dictionary<string, string>> table, bool loadedFromBackup)
    {
        _path = path;
        _table = table;
        LoadedFromBackup = loadedFromBackup;
    }

    /// <summary>The backing file, or null for a memory-only store.</summary>
    public string? Path => _path;

    /// <summary>True when the main file was missing or unreadable and its <c>.bak</c> was loaded instead.</summary>
    public bool LoadedFromBackup { get; }

    /// <summary>Increases on every change; lets callers cache what they derive from the store.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>A store that is never persisted.</summary>
    public static KvConfigStore InMemory() => new(null, new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal), false);

    /// <summary>
    /// Opens the store at <paramref name="path"/>: loads it when present (falling back to <c>path.bak</c> when
    /// the main file is unreadable), starts empty when neither exists. A null path gives a memory-only store.
    /// </summary>
    /// <exception cref="InvalidDataException">The file and its backup both exist but neither parses; nothing is overwritten.</exception>
    public static KvConfigStore Open(string? path)
    {
        if (path is null)
        {
            return InMemory();
        }
        string full = System.IO.Path.GetFullPath(path);
        string bak = full + ".bak";
        JsonBodyException? mainError = null;
        if (File.Exists(full))
        {
            try
            {
                return new KvConfigStore(full, Load(full), false);
            }
            catch (JsonBodyException e)
            {
                mainError = e;
            }
        }
        if (File.Exists(bak))
        {
            try
            {
                return new KvConfigStore(full, Load(bak), true);
            }
            catch (JsonBodyException e)
            {
                throw new InvalidDataException($"KV config files '{full}' and '{bak}' are both unreadable: {mainError?.Message ?? "missing"}; {e.Message}", e);
            }
        }
        if (mainError is not null)
        {
            throw new InvalidDataException($"KV config file '{full}' is unreadable and has no backup: {mainError.Message}", mainError);
        }
        return new KvConfigStore(full, new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal), false);
    }

    /// <summary>PUT_KV_CONFIG: sets a value and persists.</summary>
    /// <exception cref="IOException">The file could not be written; the value is still set in memory.</exception>
    public void Put(string ns, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            if (!_table.TryGetValue(ns, out Dictionary<string, string>? entries))
            {
                entries = new Dictionary<string, string>(StringComparer.Ordinal);
                _table.Add(ns, entries);
            }
            entries[key] = value;
            Interlocked.Increment(ref _version);
            PersistLocked();
        }
    }

    /// <summary>GET_KV_CONFIG: the value, or null when absent.</summary>
    public string? Get(string ns, string key)
    {
        lock (_lock)
        {
            return _table.TryGetValue(ns, out Dictionary<string, string>? entries) && entries.TryGetValue(key, out string? value)
                ? value
                : null;
        }
    }

    /// <summary>DELETE_KV_CONFIG: removes a value and persists when it existed. An emptied namespace stays (as in Java).</summary>
    /// <returns>True when the key existed.</returns>
    public bool Delete(string ns, string key)
    {
        lock (_lock)
        {
            if (!_table.TryGetValue(ns, out Dictionary<string, string>? entries) || !entries.Remove(key))
            {
                return false;
            }
            Interlocked.Increment(ref _version);
            PersistLocked();
            return true;
        }
    }

    /// <summary>GET_KVLIST_BY_NAMESPACE: a copy of the namespace's entries, or null when the namespace is unknown.</summary>
    public KVTable? GetNamespace(string ns)
    {
        lock (_lock)
        {
            if (!_table.TryGetValue(ns, out Dictionary<string, string>? entries))
            {
                return null;
            }
            return new KVTable { Table = new Dictionary<string, string>(entries, StringComparer.Ordinal) };
        }
    }

    private static Dictionary<string, Dictionary<string, string>> Load(string file)
    {
        byte[] content = File.ReadAllBytes(file);
        if (content.Length == 0)
        {
            throw new JsonBodyException("Empty KV config file", 0);
        }
        KVConfigSerializeWrapper wrapper = KVConfigSerializeWrapper.Decode(content);
        var table = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Dictionary<string, string>> e in wrapper.ConfigTable)
        {
            table[e.Key] = new Dictionary<string, string>(e.Value, StringComparer.Ordinal);
        }
        return table;
    }

    private void PersistLocked()
    {
        if (_path is null)
        {
            return;
        }
        var wrapper = new KVConfigSerializeWrapper();
        foreach (KeyValuePair<string, Dictionary<string, string>> e in _table)
        {
            wrapper.ConfigTable[e.Key] = e.Value;
        }
        byte[] json = wrapper.Encode();

        string? dir = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
        string tmp = _path + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(json);
            stream.Flush(flushToDisk: true);
        }
        if (File.Exists(_path))
        {
            File.Copy(_path, _path + ".bak", overwrite: true);
        }
        // Rename is atomic on one file system: a crash leaves either the old or the new file complete.
        File.Move(tmp, _path, overwrite: true);
    }
}
