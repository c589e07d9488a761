using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Transport;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Transport;

namespace Mq.Benchmarks.NameServers;

/// <summary>
/// Question: how many GET_ROUTEINFO_BY_TOPIC requests per second does a NameServer node answer over
/// loopback TCP on one connection, with 1 and 16 in flight (a route of one master + slave, 8 queues)?
/// Baseline: the bare pipelines echo of a frame the size of the route request, in the same class.
/// </summary>
[MemoryDiagnoser]
public class RouteQueryBenchmarks
{
    private const int RequestsPerInvocation = 2048;
    private const string Topic = "BenchmarkTopic";

    private EchoBaseline _echo = null!;
    private NameServer _nameServer = null!;
    private RemotingClient _client = null!;
    private string _address = string.Empty;

    /// <summary>Requests in flight.</summary>
    [Params(1, 16)]
    public int Depth { get; set; }

    /// <summary>Starts the node, registers a master and a slave over the client's connection, connects the echo.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        using (RemotingCommand probe = Request())
        {
            _echo = await EchoBaseline.StartAsync(probe);
        }
        _nameServer = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        _address = _nameServer.Address;
        _client = new RemotingClient(new TransportOptions());
        var wrapper = new TopicConfigSerializeWrapper { DataVersion = new DataVersion(1, 1) };
        wrapper.TopicConfigTable[Topic] = new TopicConfig { TopicName = Topic, ReadQueueNums = 8, WriteQueueNums = 8 };
        byte[] body = new RegisterBrokerBody { TopicConfigSerializeWrapper = wrapper }.Encode();
        for (long id = 0; id < 2; id++)
        {
            // The registering connection stays open for the whole run: closing it would drop the broker.
            var header = new RegisterBrokerRequestHeader
            {
                BrokerName = "broker-a",
                BrokerAddr = "10.0.0." + id + ":10911",
                ClusterName = "DefaultCluster",
                HaServerAddr = "10.0.0." + id + ":10912",
                BrokerId = id,
            };
            RemotingCommand register = RemotingCommand.CreateRequest(RequestCode.RegisterBroker, header);
            register.SetBody(body);
            using RemotingCommand registered = await _client.InvokeAsync(_address, register);
            if (registered.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException("registration failed: " + registered.Remark);
            }
        }
        using RemotingCommand route = await _client.InvokeAsync(_address, Request());
        if (route.Code != ResponseCode.Success)
        {
            throw new InvalidOperationException("no route: " + route.Remark);
        }
    }

    /// <summary>The bare pipelines echo.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = RequestsPerInvocation)]
    public Task BarePipelinesEcho() => Lanes.Run(this, Depth, RequestsPerInvocation, static async (self, count) =>
    {
        for (int i = 0; i < count; i++)
        {
            await self._echo.RoundTripAsync().ConfigureAwait(false);
        }
    });

    /// <summary>GET_ROUTEINFO_BY_TOPIC against the NameServer node.</summary>
    [Benchmark(OperationsPerInvoke = RequestsPerInvocation)]
    public Task RouteQuery() => Lanes.Run(this, Depth, RequestsPerInvocation, static async (self, count) =>
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
        await _nameServer.DisposeAsync();
        await _echo.DisposeAsync();
    }

    private RemotingCommand Request() =>
        RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = Topic });
}
