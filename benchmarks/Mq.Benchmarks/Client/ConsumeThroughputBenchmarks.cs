using BenchmarkDotNet.Attributes;
using Mq.Client;

namespace Mq.Benchmarks.Client;

/// <summary>
/// Question: how fast does a fresh push consumer group (concurrent, default parallelism) drain a topic of
/// 5000 stored 100 B messages from an in-process broker end to end (rebalance, pull, decode, handler, offsets)?
/// With 16 queues the consumer keeps more pulls in flight on its broker connection than the transport's
/// busy threshold (8), above which its requests are written by a pool thread.
/// </summary>
[MemoryDiagnoser]
public class ConsumeThroughputBenchmarks
{
    private const int Messages = 5000;

    private ClientCluster _cluster = null!;
    private int _group;

    /// <summary>Queues of the topic (one pull in flight each).</summary>
    [Params(4, 16)]
    public int Queues { get; set; }

    /// <summary>Starts the cluster and fills the topic.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _cluster = await ClientCluster.StartAsync();
        await using (var admin = new AdminClient(new AdminClientOptions { NameServerAddresses = [_cluster.NameServer.Address] }))
        {
            await admin.CreateTopicAsync("BenchConsume", Queues);
        }
        await using var producer = new Producer(new ProducerOptions { NameServerAddresses = [_cluster.NameServer.Address], ProducerGroup = "PG_FILL" });
        await producer.StartAsync();
        byte[] body = new byte[100];
        var window = new List<Task<SendResult>>(100);
        for (int i = 0; i < Messages; i++)
        {
            window.Add(producer.SendAsync(new Message("BenchConsume", body)));
            if (window.Count == 100)
            {
                await Task.WhenAll(window);
                window.Clear();
            }
        }
        await Task.WhenAll(window);
    }

    /// <summary>A new group consumes every message once.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task ConsumeAll()
    {
        int consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ConsumerOptions
        {
            NameServerAddresses = [_cluster.NameServer.Address],
            ConsumerGroup = "CG_BENCH_" + Interlocked.Increment(ref _group).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Subscriptions = { ["BenchConsume"] = "*" },
            ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
        };
        await using var consumer = new PushConsumer(options, (_, _, _) =>
        {
            if (Interlocked.Increment(ref consumed) == Messages)
            {
                done.TrySetResult();
            }
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();
}
