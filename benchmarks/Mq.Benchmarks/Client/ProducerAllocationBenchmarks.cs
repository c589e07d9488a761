using BenchmarkDotNet.Attributes;
using Mq.Client;
using Mq.NameServers;
using Mq.Protocol.Body;

namespace Mq.Benchmarks.Client;

/// <summary>
/// Question: how many bytes does the client allocate per acknowledged <see cref="Producer.SendAsync(Message, CancellationToken)"/>
/// of a 100 B body? The broker is a <see cref="FakeSendBroker"/> that allocates nothing per request, so the
/// memory diagnoser's "Allocated" column is the producer's own cost (plus the <see cref="Message"/> object
/// the benchmark creates per send). Target: well under 1 KB. With <see cref="Traced"/> the producer also records
/// RocketMQ message traces, so the figure includes the trace records and the background trace sends (to the same
/// fake broker) that carry them: the price of <see cref="ClientOptions.EnableMessageTrace"/>. With <see cref="Signed"/>
/// every request carries an ACL signature: the price of <see cref="ClientOptions.AccessKey"/>.
/// </summary>
[MemoryDiagnoser]
public class ProducerAllocationBenchmarks
{
    private const int SendsPerInvocation = 1000;
    private const string Topic = "BenchAlloc";

    private NameServer _nameServer = null!;
    private FakeSendBroker _broker = null!;
    private Producer _producer = null!;
    private byte[] _body = [];

    /// <summary>Whether message trace is on.</summary>
    [Params(false, true)]
    public bool Traced { get; set; }

    /// <summary>Whether requests are signed for an ACL broker (AccessKey/SecretKey; the fake broker does not check them).</summary>
    [Params(false, true)]
    public bool Signed { get; set; }

    /// <summary>Starts a NameServer (start-up only), the fake broker and a producer whose route points at it.</summary>
    [GlobalSetup]
    public async Task SetupAsync()
    {
        _nameServer = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        _broker = new FakeSendBroker();
        _producer = new Producer(new ProducerOptions { NameServerAddresses = [_nameServer.Address], ProducerGroup = "PG_BENCH_ALLOC", EnableMessageTrace = Traced,
            AccessKey = Signed ? "bench-account" : null, SecretKey = Signed ? "bench-secret-key" : null,
        });
        await _producer.StartAsync();
        var route = new TopicRouteData();
        route.QueueDatas.Add(new QueueData { BrokerName = "fake", ReadQueueNums = 4, WriteQueueNums = 4, Perm = 6 });
        route.BrokerDatas.Add(new BrokerData { Cluster = "DefaultCluster", BrokerName = "fake", BrokerAddrs = { [0] = _broker.Address } });
        _producer.Client.StoreRoute(Topic, route);
        _producer.Client.StoreRoute(_producer.Options.MessageTraceTopic, route);
        _body = new byte[100];
        await _producer.SendAsync(new Message(Topic, _body));
    }

    /// <summary>Sends <see cref="SendsPerInvocation"/> messages one after the other.</summary>
    [Benchmark(OperationsPerInvoke = SendsPerInvocation)]
    public async Task SendOneByOne()
    {
        for (int i = 0; i < SendsPerInvocation; i++)
        {
            await _producer.SendAsync(new Message(Topic, _body));
        }
    }

    /// <summary>Stops everything.</summary>
    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _producer.DisposeAsync();
        await _broker.DisposeAsync();
        await _nameServer.DisposeAsync();
    }
}
