using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Mq.Protocol;
using Mq.Testing;
using Mq.Transport;

namespace Mq.Benchmarks.EndToEnd;

/// <summary>
/// Cold path of the test fixture: <see cref="MqCluster.StartAsync"/> with one NameServer and one broker,
/// then the first SEND_MESSAGE_V2 that returns SEND_OK (topic auto-created); disposal is outside the measurement. Target: start to
/// first successful send &lt;= 150 ms. Each invocation is a whole cluster life, so it runs as a cold-start
/// (monitoring) job with a few iterations.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
public class ClusterStartBenchmarks
{
    private readonly byte[] _body = new byte[128];
    private MqCluster? _cluster;
    private RemotingClient? _client;

    /// <summary>Start, first successful send.</summary>
    [Benchmark]
    public async Task StartToFirstSend()
    {
        MqCluster cluster = _cluster = await MqCluster.StartAsync().ConfigureAwait(false);
        RemotingClient client = _client = new RemotingClient(new TransportOptions());
        using RemotingCommand response = await client.InvokeAsync(cluster.Brokers[0].Address,
            Brokers.BrokerBench.SendRequest("StartTopic", 0, _body)).ConfigureAwait(false);
        if (response.Code != ResponseCode.Success)
        {
            throw new InvalidOperationException($"first send failed: {response.Code} {response.Remark}");
        }
    }

    /// <summary>Stops the cluster of the iteration and deletes its folder.</summary>
    [IterationCleanup]
    public void Cleanup()
    {
        // BenchmarkDotNet's iteration cleanup is synchronous; this runs outside the measured region.
        _client?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client = null;
        _cluster = null;
    }
}
