namespace Mq.TestKit;

/// <summary>A unique folder under the system temp path, deleted (with retries) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates a fresh folder whose name starts with <paramref name="prefix"/>.</summary>
    public TempDirectory(string prefix = "mq-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <inheritdoc />
    public void Dispose()
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }
                return;
            }
            catch (IOException) when (attempt < 4)
            {
                Thread.Yield();
            }
            catch (UnauthorizedAccessException) when (attempt < 4)
            {
                Thread.Yield();
            }
        }
    }
}
