using BenchmarkDotNet.Attributes;
using Mq.Client;

namespace Mq.Benchmarks.Client;

/// <summary>
/// Question: how many acknowledged sends per second does one <see cref="Producer"/> get from an in-process
/// broker over loopback TCP, with 1 and 50 sends in flight, for 100 B and 1 KiB bodies, and how many bytes
/// does each send allocate?
/// </summary>
[MemoryDiagnoser]
public class ProducerThroughputBenchmarks
{
    private const int SendsPerInvocation = 1000;

    private ClientCluster _cluster = null!;
    private Producer _producer = null!;
    private byte[] _body = [];
    private Task<SendResult>[] _window = [];

    /// <summary>Sends in flight.</summary>
    [Params(1, 50)]
    public int InFlight { get; set; }

    /// <summary>Body size in bytes.</summary>
    [Params(100, 1024)]
    public int BodySize { get; set; }

    /// <summary>Starts the cluster and the producer and creates the topic.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _cluster = await ClientCluster.StartAsync();
        _producer = new Producer(new ProducerOptions { NameServerAddresses = [_cluster.NameServer.Address], ProducerGroup = "PG_BENCH" });
        await _producer.StartAsync();
        _body = new byte[BodySize];
        _window = new Task<SendResult>[InFlight];
        await _producer.SendAsync(new Message("BenchSend", _body));
    }

    /// <summary>Sends <see cref="SendsPerInvocation"/> messages keeping <see cref="InFlight"/> outstanding.</summary>
    [Benchmark(OperationsPerInvoke = SendsPerInvocation)]
    public async Task Send()
    {
        int sent = 0;
        while (sent < SendsPerInvocation)
        {
            int batch = Math.Min(InFlight, SendsPerInvocation - sent);
            for (int i = 0; i < batch; i++)
            {
                _window[i] = _producer.SendAsync(new Message("BenchSend", _body));
            }
            for (int i = 0; i < batch; i++)
            {
                await _window[i];
            }
            sent += batch;
        }
    }

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _producer.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
