using System.Collections.Concurrent;

namespace Mq.Storage.Devices;

/// <summary>
/// An in-memory "file system": files are arrays keyed by path and survive closing and reopening the
/// store within this provider instance (which is how tests simulate restarts without a disk).
/// </summary>
public sealed class MemorySegmentDeviceProvider : ISegmentDeviceProvider
{
    private readonly ConcurrentDictionary<string, Entry> _files = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ISegmentDevice Open(string path, long length)
    {
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "An in-memory file is limited to Array.MaxLength bytes.");
        }
        var entry = _files.GetOrAdd(Normalize(path), static (_, l) => new Entry(new byte[l]), length);
        lock (entry)
        {
            if (entry.Data.Length < length)
            {
                var grown = new byte[length];
                entry.Data.CopyTo(grown, 0);
                entry.Data = grown;
            }
        }
        return new MemorySegmentDevice(path, entry);
    }

    /// <inheritdoc />
    public bool Exists(string path) => _files.ContainsKey(Normalize(path));

    /// <inheritdoc />
    public void Delete(string path) => _files.TryRemove(Normalize(path), out _);

    /// <inheritdoc />
    public void CreateMarker(string path) => _files.TryAdd(Normalize(path), new Entry([]));

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory)
    {
        string prefix = Normalize(directory) + "/";
        var result = new List<string>();
        foreach (var key in _files.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.IndexOf('/', prefix.Length) < 0)
            {
                result.Add(key[prefix.Length..]);
            }
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectories(string directory)
    {
        string prefix = Normalize(directory) + "/";
        var result = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in _files.Keys)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                int slash = key.IndexOf('/', prefix.Length);
                if (slash > 0)
                {
                    result.Add(key[prefix.Length..slash]);
                }
            }
        }
        return [.. result];
    }

    /// <inheritdoc />
    public void DeleteDirectoryIfEmpty(string directory)
    {
        // Folders exist only as prefixes of file keys.
    }

    /// <summary>
    /// The bytes of an in-memory file, for tests that corrupt or truncate it; null when missing.
    /// </summary>
    public byte[]? GetContents(string path) => _files.TryGetValue(Normalize(path), out var entry) ? entry.Data : null;

    /// <summary>Replaces the bytes of an in-memory file (tests: truncation, garbage).</summary>
    public void SetContents(string path, byte[] contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        _files.AddOrUpdate(Normalize(path), static (_, c) => new Entry(c), static (_, e, c) => { e.Data = c; return e; }, contents);
    }

    private static string Normalize(string path) => path.Replace('\\', '/').TrimEnd('/');

    internal sealed class Entry(byte[] data)
    {
        public byte[] Data { get; set; } = data;
    }
}
