namespace Mq.Storage.Devices;

/// <summary>Opens real files, either mapped into memory or through <see cref="RandomAccess"/>.</summary>
public sealed class FileSegmentDeviceProvider : ISegmentDeviceProvider
{
    private readonly bool _mapped;

    /// <summary>Creates a provider; <paramref name="mapped"/> selects memory-mapped devices.</summary>
    public FileSegmentDeviceProvider(bool mapped) => _mapped = mapped;

    /// <inheritdoc />
    public ISegmentDevice Open(string path, long length)
    {
        string? folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        var handle = File.Exists(path)
            ? File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete)
            : File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.None, preallocationSize: length);
        try
        {
            if (RandomAccess.GetLength(handle) < length)
            {
                RandomAccess.SetLength(handle, length);
            }
            long actual = RandomAccess.GetLength(handle);
            return _mapped && actual > 0 ? new MappedSegmentDevice(path, handle, actual) : new FileSegmentDevice(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public bool Exists(string path) => File.Exists(path);

    /// <inheritdoc />
    public void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (DirectoryNotFoundException)
        {
            // Its folder is gone (an operator removed the store under a running broker): so is the file.
        }
    }

    /// <inheritdoc />
    public void CreateMarker(string path)
    {
        string? folder = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListFiles(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var names = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            names.Add(System.IO.Path.GetFileName(file));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> ListDirectories(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var names = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(directory))
        {
            names.Add(System.IO.Path.GetFileName(dir));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public void DeleteDirectoryIfEmpty(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
        catch (IOException)
        {
            // A file appeared meanwhile: keep the folder.
        }
    }
}
