using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Transport;
using Mq.Protocol;
using Mq.Transport;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// Sync SEND_MESSAGE_V2 over loopback to an embedded broker (async flush, mapped commit log) with 1 and 50
/// concurrent senders on one connection, and SEND_BATCH_MESSAGE of 16 messages; the baseline is the bare
/// pipelines echo of a frame the size of one send. Targets (issue 5): 1 sender >= 0.5x the echo;
/// 50 senders >= 100 k msg/s at 100 B.
/// </summary>
[MemoryDiagnoser]
public class BrokerSendBenchmarks
{
    private const int MessagesPerInvocation = 2000;
    private const int BatchSize = 16;

    private BrokerBench _bench = null!;
    private EchoBaseline _echo = null!;
    private RemotingClient _client = null!;
    private string _address = string.Empty;
    private byte[] _body = [];
    private byte[] _batchBody = [];

    /// <summary>Message body size.</summary>
    [Params(100, 1024)]
    public int BodySize { get; set; }

    /// <summary>Concurrent senders.</summary>
    [Params(1, 50)]
    public int Senders { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _body = new byte[BodySize];
        new Random(42).NextBytes(_body);
        _batchBody = BatchBody(_body, BatchSize);
        _bench = await BrokerBench.StartAsync();
        _address = _bench.Broker.Address;
        _client = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        (await _client.InvokeAsync(_address, BrokerBench.SendRequest("BenchTopic", 0, _body))).Dispose();
        using (RemotingCommand probe = BrokerBench.SendRequest("BenchTopic", 0, _body))
        {
            _echo = await EchoBaseline.StartAsync(probe);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerInvocation)]
    public Task TransportEcho() => Lanes.Run(this, Senders, MessagesPerInvocation, static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            await self._echo.RoundTripAsync().ConfigureAwait(false);
        }
    });

    [Benchmark(OperationsPerInvoke = MessagesPerInvocation)]
    public Task SyncSend() => Lanes.Run(this, Senders, MessagesPerInvocation, static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            using RemotingCommand response = await self._client.InvokeValueAsync(self._address, BrokerBench.SendRequest("BenchTopic", i & 3, self._body)).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException("send failed: " + response.Remark);
            }
        }
    });

    [Benchmark(OperationsPerInvoke = MessagesPerInvocation)]
    public Task BatchSend() => Lanes.Run(this, Senders, MessagesPerInvocation / BatchSize, static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            using RemotingCommand response = await self._client.InvokeValueAsync(self._address,
                BrokerBench.SendRequest("BenchBatch", i & 3, self._batchBody, RequestCode.SendBatchMessage, "WAIT\u0001true"u8.ToArray())).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException("batch send failed: " + response.Remark);
            }
        }
    });

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _echo.DisposeAsync();
        await _bench.DisposeAsync();
    }

    /// <summary>A SEND_BATCH_MESSAGE body (§4.5) of <paramref name="count"/> copies of <paramref name="body"/>.</summary>
    internal static byte[] BatchBody(byte[] body, int count)
    {
        byte[] properties = "TAGS\u0001bench"u8.ToArray();
        int size = 20 + body.Length + 2 + properties.Length;
        byte[] result = new byte[size * count];
        for (int i = 0; i < count; i++)
        {
            Span<byte> record = result.AsSpan(i * size, size);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(record, size);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(record[16..], body.Length);
            body.CopyTo(record[20..]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(record[(20 + body.Length)..], (short)properties.Length);
            properties.CopyTo(record[(22 + body.Length)..]);
        }
        return result;
    }
}
