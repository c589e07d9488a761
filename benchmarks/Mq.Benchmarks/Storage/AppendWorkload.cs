using BenchmarkDotNet.Attributes;
using FASTER.core;
using Mq.Messages;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// The append workload both append classes measure: <see cref="Appends"/> records of
/// <see cref="BodySize"/> bytes from 1 or 2 threads, into a FasterLog (benchmark methods named
/// <c>FasterLog</c>) or into our store with async flush (methods named <c>Mq</c>). FasterLog keeps one warm log
/// for the run and truncates it after each iteration; each Mq iteration starts from a fresh store whose
/// allocator has already pre-touched the segment, so neither pays first-touch page faults in the measurement.
/// </summary>
public abstract class AppendWorkload
{
    /// <summary>Records per invocation.</summary>
    protected const int Appends = 100_000;

    private string? _root;
    private WarmFasterLog? _faster;
    private MessageToStore[] _messages = [];
    private byte[] _payload = [];

    /// <summary>Body size.</summary>
    [Params(100, 1024)]
    public int BodySize { get; set; }

    /// <summary>Appending threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Whether the Mq store's flusher is woken by appends (see <see cref="StorageBench.Options"/>).</summary>
    protected virtual bool FlushWokenByAppends => false;

    /// <summary>The warm FasterLog.</summary>
    protected FasterLog Log => _faster!.Log;

    /// <summary>The iteration's store.</summary>
    protected MessageStore? Store { get; private set; }

    /// <summary>One warm FasterLog for the whole run (see <see cref="WarmFasterLog"/>).</summary>
    [GlobalSetup(Target = "FasterLog")]
    public void SetupFaster()
    {
        _payload = StorageBench.Payload(BodySize);
        _faster = new WarmFasterLog("append", _payload);
    }

    /// <summary>Drops what the iteration appended; the warm ring stays.</summary>
    [IterationCleanup(Target = "FasterLog")]
    public void TruncateFaster() => _faster!.Truncate();

    /// <summary>Disposes the FasterLog.</summary>
    [GlobalCleanup(Target = "FasterLog")]
    public void CleanupFaster() => _faster?.Dispose();

    /// <summary>Fresh store with its segment already warmed.</summary>
    [IterationSetup(Target = "Mq")]
    public void SetupMq()
    {
        _root = StorageBench.NewDirectory("append");
        _messages = new MessageToStore[Threads];
        for (int i = 0; i < Threads; i++)
        {
            _messages[i] = StorageBench.Message(BodySize, queueId: i);
        }
        Store = StorageBench.OpenWarmStore(Path.Combine(_root, "store"), FlushDiskType.AsyncFlush, _messages[0], FlushWokenByAppends);
    }

    /// <summary>Deletes the iteration's store.</summary>
    [IterationCleanup(Target = "Mq")]
    public void CleanupMq()
    {
        Store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Store = null;
        StorageBench.DeleteDirectory(_root);
    }

    /// <summary>FasterLog enqueues of the payload, split over the threads.</summary>
    protected void EnqueueAll()
    {
        var log = Log;
        byte[] payload = _payload;
        if (Threads == 1)
        {
            for (int i = 0; i < Appends; i++)
            {
                log.Enqueue(payload);
            }
            return;
        }
        Run(_ =>
        {
            for (int i = 0; i < Appends / Threads; i++)
            {
                log.Enqueue(payload);
            }
        });
    }

    /// <summary>Store appends, split over the threads (each thread its own queue).</summary>
    protected void AppendAll()
    {
        var store = Store!;
        if (Threads == 1)
        {
            var message = _messages[0];
            for (int i = 0; i < Appends; i++)
            {
                store.Append(message);
            }
            return;
        }
        Run(t =>
        {
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
