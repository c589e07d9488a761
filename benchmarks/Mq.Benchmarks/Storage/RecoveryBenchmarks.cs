using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Storage;
using Mq.Storage.Devices;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// Recovery scan rate: validating every record (magic, size formula, position, CRC) from offset 0.
/// One operation = one MiB verified, so ops/s reads as MiB/s. Baseline: FasterLog scan of the same bodies.
/// </summary>
public class RecoveryBenchmarks
{
    private PopulatedStore? _data;
    private StoreOptions? _scanOptions;
    private int _mebibytes;

    /// <summary>Builds the data once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = new PopulatedStore();
        _mebibytes = (int)(_data.Bytes >> 20);
        // Measure verification only: after recovery the allocator pre-touches the next segment in the
        // background (up to 256 MiB of zero pages here), which is start-up work, not scanning.
        _scanOptions = _data.Options.Clone();
        _scanOptions.WarmMappedFileEnable = false;
    }

    /// <summary>Deletes the data.</summary>
    [GlobalCleanup]
    public void Cleanup() => _data!.Dispose();

    /// <summary>FasterLog scan over the same payload.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = (int)((long)PopulatedStore.Count * (PopulatedStore.BodySize + 110) >> 20))]
    public int FasterLogScan() => _data!.ScanFasterLog();

    /// <summary>Commit-log recovery scan with CRC checks.</summary>
    [Benchmark(OperationsPerInvoke = (int)((long)PopulatedStore.Count * (PopulatedStore.BodySize + 110) >> 20))]
    public long MqRecoveryScan()
    {
        var commitLog = new Mq.Storage.CommitLog.CommitLog(_scanOptions!, new FileSegmentDeviceProvider(mapped: true), TimeProvider.System, NullLogger.Instance);
        long verified = commitLog.Load(0, checkCrc: true);
        commitLog.CloseSegments();
        commitLog.DisposeAllocatorAsync().AsTask().GetAwaiter().GetResult();
        if (verified < _data!.Bytes)
        {
            throw new InvalidOperationException($"Verified {verified} of {_data.Bytes} bytes; expected {_mebibytes} MiB.");
        }
        return verified;
    }
}
