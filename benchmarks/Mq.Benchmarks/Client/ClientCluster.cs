using Mq.Brokers;
using Mq.NameServers;

namespace Mq.Benchmarks.Client;

/// <summary>An in-process NameServer and broker (file store in a temp folder) for client benchmarks.</summary>
internal sealed class ClientCluster : IAsyncDisposable
{
    private readonly string _root;

    private ClientCluster(string root, NameServer nameServer, Mq.Brokers.Broker broker)
    {
        _root = root;
        NameServer = nameServer;
        Broker = broker;
    }

    public NameServer NameServer { get; }

    public Mq.Brokers.Broker Broker { get; }

    public static async Task<ClientCluster> StartAsync()
    {
        string root = Path.Combine(Path.GetTempPath(), "mq-bench-client-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        Mq.Brokers.Broker broker = await Mq.Brokers.Broker.StartAsync(new BrokerOptions
        {
            ListenAddress = "127.0.0.1",
            ListenPort = 0,
            StorePathRootDir = root,
            NamesrvAddr = [ns.Address],
            MappedFileSizeCommitLog = 256 * 1024 * 1024,
            MaxHashSlotNum = 100_000,
            MaxIndexNum = 400_000,
        });
        return new ClientCluster(root, ns, broker);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        await NameServer.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
