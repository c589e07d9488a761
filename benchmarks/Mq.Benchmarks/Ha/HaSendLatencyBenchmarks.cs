using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Brokers;
using Mq.Benchmarks.Transport;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Storage;
using Mq.Testing;
using Mq.Transport;

namespace Mq.Benchmarks.Ha;

/// <summary>
/// Broker-level send latency of a master with one connected slave over loopback: ASYNC_MASTER (answers
/// after the append) against SYNC_MASTER (answers after the slave reported the message), 1 and 16
/// concurrent senders on one connection, 1 KiB bodies, async flush. Mean time per send = latency at 1 sender.
/// </summary>
[MemoryDiagnoser]
public class HaSendLatencyBenchmarks
{
    private const int SendsPerInvocation = 1000;

    private MqCluster _cluster = null!;
    private RemotingClient _client = null!;
    private string _address = string.Empty;
    private byte[] _body = [];

    /// <summary>The master's role.</summary>
    [Params(BrokerRole.AsyncMaster, BrokerRole.SyncMaster)]
    public BrokerRole Role { get; set; }

    /// <summary>Concurrent senders.</summary>
    [Params(1, 16)]
    public int Senders { get; set; }

    /// <summary>Starts a NameServer, the master and its slave, and waits until the slave is connected.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _body = new byte[1024];
        new Random(42).NextBytes(_body);
        _cluster = await MqCluster.StartAsync(o =>
        {
            o.SlavesPerGroup = 1;
            o.MasterRole = Role;
            o.ConfigureBroker = b => b.MappedFileSizeCommitLog = 256 * 1024 * 1024;
        });
        Broker master = _cluster.Broker("broker-a").Node!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (master.HaRuntimeInfo!.Value.ConnectedSlaves == 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The slave did not connect to the master.");
            }
            await Task.Delay(10);
        }
        _address = master.Address;
        _client = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        (await _client.InvokeAsync(_address, BrokerBench.SendRequest("HaBench", 0, _body))).Dispose();
    }

    /// <summary>Stops the cluster.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    /// <summary>Sync sends; every answer must be SUCCESS (for SYNC_MASTER: the slave has the message).</summary>
    [Benchmark(OperationsPerInvoke = SendsPerInvocation)]
    public Task Send() => Lanes.Run(this, Senders, SendsPerInvocation, static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            using RemotingCommand response = await self._client.InvokeAsync(self._address, BrokerBench.SendRequest("HaBench", i & 3, self._body)).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException($"send answered {response.Code}: {response.Remark}");
            }
        }
    });
}
