using BenchmarkDotNet.Attributes;
using Mq.NameServers;
using Mq.Protocol.Body;

namespace Mq.Benchmarks.NameServers;

/// <summary>
/// Question: what does answering GET_ROUTEINFO_BY_TOPIC cost without the network (1 000 topics on 4 broker
/// names, master + slave each)? Baseline: look up and encode on every call; the command serves cached bodies.
/// </summary>
[MemoryDiagnoser]
public class RouteLookupBenchmarks
{
    private RouteRegistry _registry = null!;
    private NameServerCommands _commands = null!;
    private string[] _topics = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _registry = new RouteRegistry(TimeProvider.System, TimeSpan.FromSeconds(120));
        _commands = new NameServerCommands(_registry, KvConfigStore.InMemory(), orderMessageEnable: false);
        _topics = new string[1000];
        var wrapper = new TopicConfigSerializeWrapper { DataVersion = new DataVersion(1, 1) };
        for (int t = 0; t < _topics.Length; t++)
        {
            _topics[t] = "Topic" + t;
            wrapper.TopicConfigTable[_topics[t]] = new TopicConfig { TopicName = _topics[t], ReadQueueNums = 8, WriteQueueNums = 8 };
        }
        for (int b = 0; b < 4; b++)
        {
            string name = "broker-" + b;
            for (int id = 0; id < 2; id++)
            {
                var registration = new BrokerRegistration { Broker = new BrokerIdentity("DefaultCluster", name, $"10.0.{b}.{id}:10911", id), HaServerAddr = $"10.0.{b}.{id}:10912" };
                _registry.RegisterBroker(registration, wrapper, null, null);
            }
        }
    }

    private string NextTopic()
    {
        _next = (_next + 1) % _topics.Length;
        return _topics[_next];
    }

    [Benchmark(Baseline = true, Description = "FindRoute + Encode every time")]
    public int LookupAndEncode() => _registry.FindRoute(NextTopic())!.Encode().Length;

    [Benchmark(Description = "NameServerCommands.GetRouteInfoByTopic (cached)")]
    public int Command() => _commands.GetRouteInfoByTopic(NextTopic(), 409, acceptStandardJsonOnly: false).Body!.Length;
}
