using BenchmarkDotNet.Attributes;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// Dispatch rate: opening a store whose consume queues were deleted rebuilds them from the commit log
/// (the reput loop dispatching every record). <see cref="MqOpenIntact"/> opens the same store with its
/// consume queues in place (recovery only, nothing to dispatch), so the dispatch rate is
/// <c>Count / (rebuild - intact)</c>, isolated from opening and verifying the log. Baseline: a
/// FasterLog scan of the same entries.
/// </summary>
public class DispatchBenchmarks
{
    private PopulatedStore? _data;

    /// <summary>Builds the data once.</summary>
    [GlobalSetup]
    public void Setup() => _data = new PopulatedStore();

    /// <summary>Deletes the data.</summary>
    [GlobalCleanup]
    public void Cleanup() => _data!.Dispose();

    /// <summary>Removes the consume queues so the next open rebuilds them.</summary>
    [IterationSetup(Target = nameof(MqRebuildConsumeQueues))]
    public void DropConsumeQueues() => StorageBench.DeleteDirectory(Path.Combine(_data!.Options.StorePathRootDir, "consumequeue"));

    /// <summary>FasterLog scan.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = PopulatedStore.Count)]
    public int FasterLogScan() => _data!.ScanFasterLog();

    /// <summary>Open + dispatch every record into consume queues.</summary>
    [Benchmark(OperationsPerInvoke = PopulatedStore.Count)]
    public long MqRebuildConsumeQueues()
    {
        var store = MessageStore.OpenAsync(_data!.Options).GetAwaiter().GetResult();
        long max = store.GetMaxOffsetInQueue("BenchTopic", 0);
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return max;
    }

    /// <summary>Open with consume queues intact: the fixed cost that <see cref="MqRebuildConsumeQueues"/> also pays.</summary>
    [Benchmark(OperationsPerInvoke = PopulatedStore.Count)]
    public long MqOpenIntact()
    {
        var store = MessageStore.OpenAsync(_data!.Options).GetAwaiter().GetResult();
        long max = store.GetMaxOffsetInQueue("BenchTopic", 0);
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return max;
    }
}
