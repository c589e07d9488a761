using System.Globalization;
using Microsoft.Extensions.Logging;
using Mq.Common;
using Mq.Messages;
using Mq.Storage.Devices;

namespace Mq.Storage.Index;

/// <summary>
/// Builds and queries the key index (RocketMQ <c>IndexService</c>): every <c>UNIQ_KEY</c> and each
/// space-separated <c>KEYS</c> token is indexed as <c>topic#key</c>. Files are named by creation time
/// (<c>yyyyMMddHHmmssSSS</c>).
/// </summary>
internal sealed class IndexService
{
    private readonly object _lock = new();
    private readonly string _directory;
    private readonly int _slots;
    private readonly int _maxEntries;
    private readonly ISegmentDeviceProvider _provider;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile IndexFile[] _files = [];

    public IndexService(StoreOptions options, ISegmentDeviceProvider provider, TimeProvider time, ILogger logger)
    {
        _directory = Path.Combine(options.StorePathRootDir, "index");
        _slots = options.MaxHashSlotNum;
        _maxEntries = options.MaxIndexNum;
        _provider = provider;
        _time = time;
        _logger = logger;
    }

    private long FileLength => IndexFile.FileLength(_slots, _maxEntries);

    /// <summary>
    /// Opens the index files. After an abnormal shutdown, files that may hold entries past
    /// <paramref name="trustedOffset"/> are dropped and the returned offset says where replay must start
    /// to rebuild them.
    /// </summary>
    public long Load(bool abnormal, long trustedOffset)
    {
        var files = new List<IndexFile>();
        long replayFrom = trustedOffset;
        foreach (var name in _provider.ListFiles(_directory))
        {
            string path = Path.Combine(_directory, name);
            var file = new IndexFile(_provider.Open(path, FileLength), _slots, _maxEntries);
            if (abnormal && !file.IsEmpty && file.EndPhyOffset >= trustedOffset)
            {
                replayFrom = Math.Min(replayFrom, file.BeginPhyOffset);
                StoreLog.IndexFileDropped(_logger, path, file.BeginPhyOffset);
                file.Close();
                _provider.Delete(path);
                continue;
            }
            files.Add(file);
        }
        _files = [.. files];
        return replayFrom;
    }

    /// <summary>Indexes one record's keys (skips records already covered, which makes replay idempotent).</summary>
    public void Index(in MessageView view, long phyOffset)
    {
        if (MessageSysFlag.TransactionType(view.SysFlag) == MessageSysFlag.TransactionRollbackType)
        {
            return;
        }
        bool hasUnique = view.TryGetProperty("UNIQ_KEY"u8, out var unique);
        bool hasKeys = view.TryGetProperty("KEYS"u8, out var keys);
        if (!hasUnique && !hasKeys)
        {
            return;
        }
        lock (_lock)
        {
            var current = CurrentFile(phyOffset);
            if (current is null)
            {
                return;
            }
            int topicHash = TopicPrefixHash(view.TopicUtf8);
            long storeTimestamp = view.StoreTimestamp;
            if (hasUnique)
            {
                current = PutKey(current, topicHash, unique, phyOffset, storeTimestamp);
            }
            if (hasKeys)
            {
                while (!keys.IsEmpty)
                {
                    int space = keys.IndexOf((byte)' ');
                    var key = space < 0 ? keys : keys[..space];
                    if (!key.IsEmpty)
                    {
                        current = PutKey(current, topicHash, key, phyOffset, storeTimestamp);
                    }
                    keys = space < 0 ? default : keys[(space + 1)..];
                }
            }
        }
    }

    /// <summary>Physical offsets of messages with <paramref name="key"/> in <paramref name="topic"/>, newest first.</summary>
    public List<long> Query(string topic, string key, int maxCount, long begin, long end)
    {
        var result = new List<long>();
        int hash = JavaHash.StringHashCode(string.Concat(topic, "#", key));
        var files = _files;
        for (int i = files.Length - 1; i >= 0 && result.Count < maxCount; i--)
        {
            var file = files[i];
            if (file.IsEmpty || file.EndTimestamp < begin - 1000 || file.BeginTimestamp > end)
            {
                continue;
            }
            file.Select(hash, begin, end, maxCount, result);
        }
        return result;
    }

    /// <summary>Deletes files whose entries all point below <paramref name="commitLogMinOffset"/> (never the last).</summary>
    public int DeleteExpired(long commitLogMinOffset)
    {
        lock (_lock)
        {
            var files = _files;
            int remove = 0;
            while (remove < files.Length - 1 && files[remove].EndPhyOffset < commitLogMinOffset)
            {
                remove++;
            }
            for (int i = 0; i < remove; i++)
            {
                files[i].Close();
                _provider.Delete(files[i].Path);
            }
            _files = files[remove..];
            return remove;
        }
    }

    public void Flush()
    {
        foreach (var file in _files)
        {
            file.Flush();
        }
    }

    public void Close()
    {
        var files = _files;
        _files = [];
        foreach (var file in files)
        {
            file.Close();
        }
    }

    private IndexFile? CurrentFile(long phyOffset)
    {
        var files = _files;
        if (files.Length > 0)
        {
            var last = files[^1];
            if (!last.IsEmpty && phyOffset <= last.EndPhyOffset)
            {
                return null;
            }
            if (!last.IsFull)
            {
                return last;
            }
        }
        return NewFile();
    }

    private IndexFile NewFile()
    {
        var now = _time.GetUtcNow();
        string name = now.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var files = _files;
        // Two files created in one millisecond would collide; bump the name.
        while (_provider.Exists(Path.Combine(_directory, name)))
        {
            now = now.AddMilliseconds(1);
            name = now.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
        }
        var file = new IndexFile(_provider.Open(Path.Combine(_directory, name), FileLength), _slots, _maxEntries);
        _files = [.. files, file];
        return file;
    }

    private IndexFile PutKey(IndexFile file, int topicHash, ReadOnlySpan<byte> keyUtf8, long phyOffset, long storeTimestamp)
    {
        int hash = JavaHash.Continue(topicHash, keyUtf8);
        if (!file.Put(hash, phyOffset, storeTimestamp))
        {
            file = NewFile();
            file.Put(hash, phyOffset, storeTimestamp);
        }
        return file;
    }

    /// <summary>Java hash of "topic#" so each key's hash continues from it without building strings.</summary>
    private static int TopicPrefixHash(ReadOnlySpan<byte> topicUtf8) => unchecked((31 * JavaHash.Continue(0, topicUtf8)) + '#');
}
