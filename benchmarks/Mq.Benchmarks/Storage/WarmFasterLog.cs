using FASTER.core;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// One FasterLog kept for a whole benchmark run, warmed by cycling its in-memory page ring twice: FASTER
/// allocates each page buffer on first use, so a fresh log pays first-touch page faults that our store
/// (whose allocator pre-touches segments) does not. Reusing a warm ring compares the two append paths,
/// not the kernel's page-fault handler. <see cref="Truncate"/> after each iteration bounds disk use.
/// </summary>
internal sealed class WarmFasterLog : IDisposable
{
    private readonly string _root;
    private readonly IDevice _device;

    public WarmFasterLog(string name, byte[] payload)
    {
        _root = StorageBench.NewDirectory(name);
        Log = StorageBench.CreateFasterLog(_root, out _device);
        long target = Log.TailAddress + 2 * StorageBench.FasterMemorySize;
        while (Log.TailAddress < target)
        {
            Log.Enqueue(payload);
        }
        Truncate();
    }

    public FasterLog Log { get; }

    /// <summary>Commits and drops everything up to the tail; the warm page ring stays.</summary>
    public void Truncate()
    {
        Log.Commit(spinWait: true);
        Log.TruncateUntil(Log.TailAddress);
        Log.Commit(spinWait: true);
    }

    public void Dispose()
    {
        Log.Dispose();
        _device.Dispose();
        StorageBench.DeleteDirectory(_root);
    }
}
