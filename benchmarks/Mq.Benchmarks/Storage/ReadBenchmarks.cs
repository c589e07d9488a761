using BenchmarkDotNet.Attributes;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>Reads every message through the consume queues in pull-sized batches (32) vs a FasterLog scan.</summary>
public class ReadBenchmarks
{
    private PopulatedStore? _data;
    private MessageStore? _store;

    /// <summary>Builds the data once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = new PopulatedStore();
        _store = MessageStore.OpenAsync(_data.Options).GetAwaiter().GetResult();
    }

    /// <summary>Deletes the data.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _store!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _data!.Dispose();
    }

    /// <summary>FasterLog scan of the same entries.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = PopulatedStore.Count)]
    public int FasterLogScan() => _data!.ScanFasterLog();

    /// <summary>GetMessages over every queue.</summary>
    [Benchmark(OperationsPerInvoke = PopulatedStore.Count)]
    public int MqGetMessages()
    {
        int total = 0;
        for (int q = 0; q < PopulatedStore.Queues; q++)
        {
            long offset = 0;
            while (true)
            {
                using var result = _store!.GetMessages("BenchTopic", q, offset, 32, 1 << 20);
                if (result.Status != GetMessageStatus.Found)
                {
                    break;
                }
                total += result.MessageCount;
                offset = result.NextBeginOffset;
            }
        }
        return total;
    }
}
