using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Transport;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// Pull drain: PULL_MESSAGE (32 per pull, subscription <c>*</c>) from offset 0 to the end of a queue of
/// 100 B messages written in the global setup; the baseline is the bare pipelines echo of a frame the
/// size of one full pull response. Target (issue 5): >= 500 k msg/s.
/// </summary>
[MemoryDiagnoser]
public class BrokerPullBenchmarks
{
    private const int Messages = 16_384;
    private const int PullBatch = 32;

    private BrokerBench _bench = null!;
    private EchoBaseline _echo = null!;
    private RemotingClient _client = null!;
    private string _address = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bench = await BrokerBench.StartAsync();
        _address = _bench.Broker.Address;
        _client = new RemotingClient(new TransportOptions());
        byte[] body = new byte[100];
        byte[] batch = BrokerSendBenchmarks.BatchBody(body, 64);
        for (int i = 0; i < Messages / 64; i++)
        {
            using RemotingCommand sent = await _client.InvokeAsync(_address, BrokerBench.SendRequest("PullTopic", 0, batch, RequestCode.SendBatchMessage, []));
            if (sent.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException("fill failed: " + sent.Remark);
            }
        }
        await _bench.Broker.Store.WaitForDispatchAsync(_bench.Broker.Store.CommitLogMaxOffset);
        using RemotingCommand first = await _client.InvokeAsync(_address, Pull(0));
        using var probe = RemotingCommand.CreateRequest(RequestCode.PullMessage);
        probe.SetBody(first.Body.ToArray());
        _echo = await EchoBaseline.StartAsync(probe);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public async Task TransportEcho()
    {
        for (int i = 0; i < Messages / PullBatch; i++)
        {
            await _echo.RoundTripAsync().ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public async Task PullDrain()
    {
        long offset = 0;
        while (offset < Messages)
        {
            using RemotingCommand response = await _client.InvokeAsync(_address, Pull(offset)).ConfigureAwait(false);
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

    private static RemotingCommand Pull(long offset) => RemotingCommand.CreateRequest(RequestCode.PullMessage, new PullMessageRequestHeader
    {
        ConsumerGroup = "BenchConsumer",
        Topic = "PullTopic",
        QueueId = 0,
        QueueOffset = offset,
        MaxMsgNums = PullBatch,
        SysFlag = 0x4,
        Subscription = "*",
        ExpressionType = "TAG",
    });
}
