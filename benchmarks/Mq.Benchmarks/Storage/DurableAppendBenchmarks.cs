using BenchmarkDotNet.Attributes;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// Appends at equal durability: the invocation ends when every record is on disk. FasterLog enqueues
/// and then commits (on Linux its log device opens files with O_DIRECT | O_DSYNC, so the commit returns once
/// the pages and the commit record are durable: the perf notes' "commit at end" anchor); Mq appends with
/// async flush and then waits for the flush of everything appended (msync of the written range). The
/// store runs RocketMQ's default flusher, woken every four pages, so its disk writes overlap the appends as
/// FasterLog's page flushes do; the hand-off class keeps our interval-only default.
/// </summary>
public class DurableAppendBenchmarks : AppendWorkload
{
    /// <inheritdoc />
    protected override bool FlushWokenByAppends => true;

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
