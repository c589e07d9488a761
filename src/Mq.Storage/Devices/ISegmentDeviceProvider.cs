namespace Mq.Storage.Devices;

/// <summary>Opens, lists and deletes the store's files: the one place the store touches a file system.</summary>
public interface ISegmentDeviceProvider
{
    /// <summary>
    /// Opens <paramref name="path"/>, creating it (and its folder) with <paramref name="length"/> bytes of
    /// zeros when missing; an existing shorter file is extended to <paramref name="length"/>.
    /// </summary>
    ISegmentDevice Open(string path, long length);

    /// <summary>Whether the file exists.</summary>
    bool Exists(string path);

    /// <summary>Deletes the file if it exists.</summary>
    void Delete(string path);

    /// <summary>Creates an empty marker file (e.g. <c>abort</c>) if missing.</summary>
    void CreateMarker(string path);

    /// <summary>File names (not paths) directly inside <paramref name="directory"/>; empty if it does not exist.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    /// <summary>Folder names directly inside <paramref name="directory"/>; empty if it does not exist.</summary>
    IReadOnlyList<string> ListDirectories(string directory);

    /// <summary>Deletes a folder if it is empty.</summary>
    void DeleteDirectoryIfEmpty(string directory);
}
