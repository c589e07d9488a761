using BenchmarkDotNet.Attributes;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// Appends at equal durability: the invocation ends when every record is on disk. FasterLog enqueues
/// and then commits (on Linux its log device opens files with O_DIRECT | O_DSYNC, so the commit returns once
/// the pages and the commit record are durable: the perf notes' "commit at end" anchor); Mq appends with
/// async flush and then waits for the flush of everything appended (msync of the written range). This is
/// the pair the storage issue's append targets are read against.
/// </summary>
public class DurableAppendBenchmarks : AppendWorkload
{
    /// <summary>FasterLog enqueue, then commit.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public void FasterLog()
    {
        EnqueueAll();
        Log.Commit(spinWait: true);
    }

    /// <summary>Mq append, then wait until the commit log is flushed up to its end.</summary>
    [Benchmark(OperationsPerInvoke = Appends)]
    public void Mq()
    {
        AppendAll();
        var store = Store!;
        var status = store.WaitDurableAsync(store.CommitLogMaxOffset).AsTask().GetAwaiter().GetResult();
        if (status != global::Mq.Storage.PutMessageStatus.PutOk)
        {
            throw new InvalidOperationException($"Flush ended with {status}.");
        }
    }
}
