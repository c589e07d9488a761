using System.Text;

namespace Mq.Broker;

/// <summary>
/// Persistence of the broker's JSON config files (RocketMQ <c>ConfigManager</c> + <c>MixAll.string2File</c>):
/// write to <c>file.tmp</c>, fsync, keep the previous file as <c>file.bak</c>, rename into place; load falls
/// back to the <c>.bak</c> copy when the main file is missing or unreadable.
/// </summary>
internal static class ConfigFile
{
    public static void Write(string path, byte[] content)
    {
        string? directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        if (File.Exists(path))
        {
            File.Copy(path, path + ".bak", overwrite: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Decodes the file (or its backup) with <paramref name="decode"/>; default when neither exists.
    /// Throws <see cref="InvalidDataException"/> when both exist but neither decodes: starting with an
    /// empty table would silently lose every topic or offset.
    /// </summary>
    public static T? Read<T>(string path, Func<byte[], T> decode) where T : class
    {
        Exception? failure = null;
        foreach (string candidate in (ReadOnlySpan<string>)[path, path + ".bak"])
        {
            if (!File.Exists(candidate))
            {
                continue;
            }
            try
            {
                byte[] bytes = File.ReadAllBytes(candidate);
                if (bytes.Length == 0)
                {
                    continue;
                }
                return decode(bytes);
            }
            catch (Exception ex) when (ex is Protocol.Json.JsonBodyException or IOException or FormatException or DecoderFallbackException)
            {
                failure ??= ex;
            }
        }
        return failure is null ? null : throw new InvalidDataException($"config file {path} (and its .bak) cannot be read: {failure.Message}", failure);
    }
}
