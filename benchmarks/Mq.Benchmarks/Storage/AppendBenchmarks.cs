using BenchmarkDotNet.Attributes;
using FASTER.core;
using Mq.Messages;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// Appends with async flush (nothing waits for the disk), 1 or 2 threads, 100 B or 1 KiB bodies.
/// FasterLog enqueues the same bodies (its pages go to disk in the background, like our async flush).
/// Each Mq iteration starts from a fresh store (segments pre-touched by its allocator); FasterLog keeps
/// one warm log and truncates it after each iteration, so both measure appends into warm memory.
/// </summary>
public class AppendBenchmarks
{
    private const int Appends = 100_000;

    private string? _root;
    private MessageStore? _store;
    private FasterLog? _log;
    private WarmFasterLog? _faster;
    private MessageToStore[] _messages = [];
    private byte[] _payload = [];

    /// <summary>Body size.</summary>
    [Params(100, 1024)]
    public int BodySize { get; set; }

    /// <summary>Appending threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>One warm FasterLog for the whole run (see <see cref="WarmFasterLog"/>).</summary>
    [GlobalSetup(Target = nameof(FasterLogEnqueue))]
    public void SetupFaster()
    {
        _payload = StorageBench.Payload(BodySize);
        _faster = new WarmFasterLog("append", _payload);
        _log = _faster.Log;
    }

    /// <summary>Drops what the iteration appended; the warm ring stays.</summary>
    [IterationCleanup(Target = nameof(FasterLogEnqueue))]
    public void TruncateFaster() => _faster!.Truncate();

    /// <summary>Disposes the FasterLog.</summary>
    [GlobalCleanup(Target = nameof(FasterLogEnqueue))]
    public void CleanupFaster() => _faster?.Dispose();

    /// <summary>Fresh store with its next segment already warmed.</summary>
    [IterationSetup(Target = nameof(MqAppend))]
    public void SetupMq()
    {
        _root = StorageBench.NewDirectory("append");
        _messages = new MessageToStore[Threads];
        for (int i = 0; i < Threads; i++)
        {
            _messages[i] = StorageBench.Message(BodySize, queueId: i);
        }
        _store = StorageBench.OpenWarmStore(Path.Combine(_root, "store"), FlushDiskType.AsyncFlush, _messages[0]);
    }

    /// <summary>Deletes the iteration's store.</summary>
    [IterationCleanup(Target = nameof(MqAppend))]
    public void CleanupMq()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store = null;
        StorageBench.DeleteDirectory(_root);
    }

    /// <summary>FasterLog enqueue.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public void FasterLogEnqueue()
    {
        if (Threads == 1)
        {
            for (int i = 0; i < Appends; i++)
            {
                _log!.Enqueue(_payload);
            }
            return;
        }
        Run(t =>
        {
            for (int i = 0; i < Appends / Threads; i++)
            {
                _log!.Enqueue(_payload);
            }
        });
    }

    /// <summary>Mq commit-log append.</summary>
    [Benchmark(OperationsPerInvoke = Appends)]
    public void MqAppend()
    {
        if (Threads == 1)
        {
            var store = _store!;
            var message = _messages[0];
            for (int i = 0; i < Appends; i++)
            {
                store.Append(message);
            }
            return;
        }
        Run(t =>
        {
            var store = _store!;
            var message = _messages[t];
            for (int i = 0; i < Appends / Threads; i++)
            {
                store.Append(message);
            }
        });
    }

    private void Run(Action<int> body)
    {
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int id = t;
            threads[t] = new Thread(() => body(id));
            threads[t].Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
    }
}
