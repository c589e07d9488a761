namespace Mq.TestKit;

/// <summary>
/// Locates the golden data in <c>../shared/testdata/</c> beside the project root. The data comes from
/// other repositories and is never copied into this one; tests read it in place.
/// </summary>
public static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The <c>shared/testdata</c> folder.</summary>
    public static string Directory => Root.Value;

    /// <summary>Full path of a file under <c>shared/testdata</c>, e.g. <c>messages/message.bin</c>.</summary>
    public static string PathOf(string relative) => System.IO.Path.Combine(Directory, relative);

    /// <summary>Reads a golden file's bytes.</summary>
    public static byte[] Read(string relative) => File.ReadAllBytes(PathOf(relative));

    private static string FindRoot()
    {
        string? env = Environment.GetEnvironmentVariable("MQ_TESTDATA");
        if (!string.IsNullOrEmpty(env) && System.IO.Directory.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Mq.sln")))
            {
                string candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "testdata"));
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new DirectoryNotFoundException(
            "shared/testdata was not found beside the project root; set MQ_TESTDATA to its path.");
    }
}
