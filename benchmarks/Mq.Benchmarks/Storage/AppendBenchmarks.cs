using BenchmarkDotNet.Attributes;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// The append hot path: the call returns once the record is handed off to memory. That is not the same
/// durability on both sides: an Mq append with async flush has its record in the page cache (a mapped
/// segment), which survives the process being killed and reaches the disk within the flush interval; a
/// FasterLog enqueue has its record in FasterLog's in-process page ring until a page is written or a commit
/// runs. <see cref="DurableAppendBenchmarks"/> compares the two at equal durability.
/// </summary>
public class AppendBenchmarks : AppendWorkload
{
    /// <summary>FasterLog enqueue into its warm ring.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public void FasterLog() => EnqueueAll();

    /// <summary>Mq commit-log append (async flush).</summary>
    [Benchmark(OperationsPerInvoke = Appends)]
    public void Mq() => AppendAll();
}
