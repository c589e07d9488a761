using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Storage;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Ha;

namespace Mq.Benchmarks.Ha;

/// <summary>
/// Slave catch-up over loopback: an empty slave replicates a pre-written master log of
/// <see cref="Records"/> records (100 B bodies: about 100 MB; 1 KiB bodies: about 560 MB) through <see cref="HaServer"/>/<see cref="HaClient"/>, beside the
/// slave's own local append rate of the same records into an equally fresh store (the baseline); both
/// stores have their first segment prepared before the measurement starts.
/// Target: catch-up at least 0.8x the local append rate. Bytes/s = ops/s x <see cref="RecordBytes"/>.
/// Catch-up moves bytes (bounded by loopback TCP and the slave's copy into its log) while a local append
/// pays per record (encoding, CRC, queue offset), so the ratio depends on the record size: both sizes run.
/// </summary>
public class HaCatchUpBenchmarks
{
    /// <summary>Records in the master's log (and appended by the baseline).</summary>
    public const int Records = 500_000;

    private const int Queues = 4;

    private string? _masterRoot;
    private string? _slaveRoot;
    private MessageStore? _master;
    private HaServer? _server;
    private MessageStore? _slave;
    private MessageToStore[] _messages = [];

    /// <summary>Message body size.</summary>
    [Params(100, 1024)]
    public int BodySize { get; set; }

    /// <summary>Bytes of one stored record (for bytes/s).</summary>
    public static long RecordBytes { get; private set; }

    /// <summary>Writes the master's log once and starts its HA server.</summary>
    [GlobalSetup]
    public void GlobalSetup()
    {
        _messages = new MessageToStore[Queues];
        for (int q = 0; q < Queues; q++)
        {
            _messages[q] = StorageBench.Message(BodySize, q);
        }
        _masterRoot = StorageBench.NewDirectory("ha-master");
        _master = MessageStore.OpenAsync(StorageBench.Options(_masterRoot, FlushDiskType.AsyncFlush)).GetAwaiter().GetResult();
        for (int i = 0; i < Records; i++)
        {
            _master.Append(_messages[i % Queues]);
        }
        RecordBytes = _master.CommitLogMaxOffset / Records;
        _server = new HaServer(_master, new HaOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        _server.Start();
    }

    /// <summary>A fresh, empty store per iteration (slave role for catch-up, master role for the baseline).</summary>
    [IterationSetup(Target = nameof(LocalAppend))]
    public void SetupLocal() => _slave = OpenFresh(BrokerRole.AsyncMaster);

    /// <summary>A fresh, empty slave store.</summary>
    [IterationSetup(Target = nameof(SlaveCatchUp))]
    public void SetupSlave() => _slave = OpenFresh(BrokerRole.Slave);

    /// <summary>Deletes the iteration's store.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        _slave?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _slave = null;
        StorageBench.DeleteDirectory(_slaveRoot);
    }

    /// <summary>Stops the server and deletes the master.</summary>
    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _master?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        StorageBench.DeleteDirectory(_masterRoot);
    }

    /// <summary>The slave's own append rate of the same records.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public void LocalAppend()
    {
        var store = _slave!;
        for (int i = 0; i < Records; i++)
        {
            store.Append(_messages[i % Queues]);
        }
    }

    /// <summary>An empty slave replicating the whole master log over loopback until byte-complete.</summary>
    [Benchmark(OperationsPerInvoke = Records)]
    public void SlaveCatchUp()
    {
        var slave = _slave!;
        var client = new HaClient(slave, new HaOptions());
        client.Start();
        client.UpdateMasterAddress($"127.0.0.1:{_server!.LocalEndPoint.Port}");
        slave.WaitForMaxOffsetAsync(_master!.CommitLogMaxOffset).AsTask().GetAwaiter().GetResult();
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private MessageStore OpenFresh(BrokerRole role)
    {
        _slaveRoot = StorageBench.NewDirectory("ha-slave");
        var options = StorageBench.Options(_slaveRoot, FlushDiskType.AsyncFlush);
        options.BrokerRole = role;
        var store = MessageStore.OpenAsync(options).GetAwaiter().GetResult();
        // The first segment is pre-touched in the background from the open; both variants start once it is
        // ready, so neither measures the segment's creation (the next one is warmed during the run, as live).
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!store.CommitLog.IsNextSegmentPrepared && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        return store;
    }
}
