using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Transport;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// Pull drain: PULL_MESSAGE (32 per pull, subscription <c>*</c>) from offset 0 to the end of
/// <see cref="Queues"/> queues of 100 B messages written in the global setup, one pull in flight per queue
/// (what a push consumer owning those queues does); the baseline is the bare pipelines echo of a frame the
/// size of one full pull response with as many round trips in flight. Target (issue 5): >= 500 k msg/s.
/// </summary>
[MemoryDiagnoser]
public class BrokerPullBenchmarks
{
    private const int Messages = 16_384;
    private const int PullBatch = 32;

    /// <summary>Queues drained at once, one pull in flight each.</summary>
    [Params(1, 4)]
    public int Queues { get; set; }

    private BrokerBench _bench = null!;
    private EchoBaseline _echo = null!;
    private RemotingClient _client = null!;
    private string _address = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bench = await BrokerBench.StartAsync();
        _address = _bench.Broker.Address;
        _client = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        byte[] body = new byte[100];
        byte[] batch = BrokerSendBenchmarks.BatchBody(body, 64);
        for (int i = 0; i < Messages / 64; i++)
        {
            using RemotingCommand sent = await _client.InvokeAsync(_address, BrokerBench.SendRequest("PullTopic", i % Queues, batch, RequestCode.SendBatchMessage, []));
            if (sent.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException("fill failed: " + sent.Remark);
            }
        }
        await _bench.Broker.Store.WaitForDispatchAsync(_bench.Broker.Store.CommitLogMaxOffset);
        using RemotingCommand first = await _client.InvokeAsync(_address, Pull(0, 0));
        using var probe = RemotingCommand.CreateRequest(RequestCode.PullMessage);
        probe.SetBody(first.Body.ToArray());
        _echo = await EchoBaseline.StartAsync(probe);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public Task TransportEcho() => Lanes.Run(this, Queues, Messages / PullBatch, static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            await self._echo.RoundTripAsync().ConfigureAwait(false);
        }
    });

    [Benchmark(OperationsPerInvoke = Messages)]
    public Task PullDrain()
    {
        var drains = new Task[Queues];
        for (int queue = 0; queue < drains.Length; queue++)
        {
            drains[queue] = DrainAsync(queue, Messages / Queues);
        }
        return Task.WhenAll(drains);
    }

    private async Task DrainAsync(int queueId, long end)
    {
        long offset = 0;
        while (offset < end)
        {
            using RemotingCommand response = await _client.InvokeAsync(_address, Pull(queueId, offset)).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException("pull failed: " + response.Code + " " + response.Remark);
            }
            offset = response.ExtFields.GetRequiredInt64("nextBeginOffset"u8);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _echo.DisposeAsync();
        await _bench.DisposeAsync();
    }

    private static RemotingCommand Pull(int queueId, long offset) => RemotingCommand.CreateRequest(RequestCode.PullMessage, new PullMessageRequestHeader
    {
        ConsumerGroup = "BenchConsumer",
        Topic = "PullTopic",
        QueueId = queueId,
        QueueOffset = offset,
        MaxMsgNums = PullBatch,
        SysFlag = 0x4,
        Subscription = "*",
        ExpressionType = "TAG",
    });
}
