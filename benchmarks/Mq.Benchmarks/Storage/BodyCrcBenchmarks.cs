using System.IO.Hashing;
using BenchmarkDotNet.Attributes;
using Mq.Common;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// The body CRC every append and every recovery scan computes: our VPCLMULQDQ fold
/// (<see cref="Crc32Fold"/>, which hands inputs under 256 bytes to System.IO.Hashing) against
/// System.IO.Hashing's <see cref="Crc32"/> on the same bytes. Op/s x body size = bytes/s.
/// </summary>
[MemoryDiagnoser]
public class BodyCrcBenchmarks
{
    private byte[] _body = [];

    /// <summary>Body size.</summary>
    [Params(100, 1024, 4096, 65536)]
    public int BodySize { get; set; }

    /// <summary>Random body bytes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _body = new byte[BodySize];
        new Random(BodySize).NextBytes(_body);
    }

    /// <summary>System.IO.Hashing.</summary>
    [Benchmark(Baseline = true)]
    public uint SystemIoHashing() => Crc32.HashToUInt32(_body);

    /// <summary>Mq's fold (the path <c>MessageRecord.BodyCrc</c> takes).</summary>
    [Benchmark]
    public uint Fold() => Crc32Fold.Compute(_body);
}
