using System.Net;
using BenchmarkDotNet.Attributes;
using Mq.Protocol;
using Mq.Transport;

namespace Mq.Benchmarks.Transport;

/// <summary>
/// Request/response over real loopback sockets with a 1 KiB body each way and N requests in flight on
/// one connection: our remoting client and server versus a bare System.IO.Pipelines echo with the
/// same framing (the baseline). Target: at least 0.8x the baseline's rate at every depth.
/// </summary>
[MemoryDiagnoser]
public class LoopbackRequestBenchmarks
{
    private const int RequestsPerInvocation = 2048;
    private const int BodySize = 1024;

    private readonly byte[] _body = new byte[BodySize];
    private EchoBaseline _echo = null!;
    private RemotingServer _server = null!;
    private RemotingClient _client = null!;
    private string _address = string.Empty;

    /// <summary>Requests in flight.</summary>
    [Params(1, 16, 128)]
    public int Depth { get; set; }

    /// <summary>Starts both servers and connects both clients.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        Random.Shared.NextBytes(_body);
        // The echo frame has the size a remoting request of the same body would have.
        using (var probe = Request())
        {
            _echo = await EchoBaseline.StartAsync(probe);
        }

        var options = new TransportOptions();
        _server = new RemotingServer(options);
        _server.RegisterHandler(RequestCode.SendMessageV2, (connection, request, ct) =>
        {
            var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
            response.SetBody(_body);
            return ValueTask.FromResult<RemotingCommand?>(response);
        });
        await _server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        _address = _server.Address!;
        _client = new RemotingClient(options);
        (await _client.InvokeAsync(_address, Request())).Dispose();
    }

    /// <summary>The bare pipelines echo.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerInvocation)]
    public Task BarePipelinesEcho() => RunLanes(static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            await self._echo.RoundTripAsync().ConfigureAwait(false);
        }
    });

    /// <summary>Our remoting client and server.</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvocation)]
    public Task Remoting() => RunLanes(static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            RemotingCommand response = await self._client.InvokeAsync(self._address, self.Request()).ConfigureAwait(false);
            response.Dispose();
        }
    });

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
        await _echo.DisposeAsync();
    }

    private RemotingCommand Request()
    {
        var request = RemotingCommand.CreateRequest(RequestCode.SendMessageV2);
        request.SetBody(_body);
        return request;
    }

    private Task RunLanes(Func<LoopbackRequestBenchmarks, int, Task> lane) => Lanes.Run(this, Depth, RequestsPerInvocation, lane);
}
