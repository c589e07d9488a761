using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Brokers;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage.Devices;
using Mq.Transport;

namespace Mq.Testing;

/// <summary>
/// A throw-away RocketMQ cluster for integration tests: NameServers, master brokers and optional slaves on 127.0.0.1
/// ephemeral ports, stores in a temporary folder removed on dispose. Any RocketMQ client (ours, Java,
/// Go, ali-ons) can connect to <see cref="NameServerAddress"/>.
/// </summary>
/// <example><code>
/// await using var cluster = await MqCluster.StartAsync(o => o.BrokerGroups = 2);
/// await cluster.CreateTopicAsync("orders", queues: 4);
/// // clients use cluster.NameServerAddress
/// </code></example>
public sealed class MqCluster : IAsyncDisposable
{
    private static readonly TimeSpan RouteWait = TimeSpan.FromSeconds(30);
    private readonly MqClusterOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<NameServer> _nameServers = [];
    private readonly MqClusterBroker[] _brokers;
    private readonly RemotingClient _admin;
    private int _disposed;

    private MqCluster(MqClusterOptions options, string root)
    {
        _options = options;
        _loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        RootDirectory = root;
        _brokers = new MqClusterBroker[options.BrokerGroups];
        _admin = new RemotingClient(new TransportOptions(), null, _loggerFactory);
    }

    /// <summary>The temporary folder holding every broker's store (deleted on dispose).</summary>
    public string RootDirectory { get; }

    /// <summary>The NameServer address list, "host:port;host:port": give it to clients as namesrvAddr.</summary>
    public string NameServerAddress { get; private set; } = string.Empty;

    /// <summary>The running NameServers.</summary>
    public IReadOnlyList<NameServer> NameServers => _nameServers;

    /// <summary>The broker groups, in name order (<c>broker-a</c>, <c>broker-b</c>...).</summary>
    public IReadOnlyList<MqClusterBroker> Brokers => _brokers;

    /// <summary>Starts a cluster shaped by <paramref name="configure"/>.</summary>
    public static async Task<MqCluster> StartAsync(Action<MqClusterOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var options = new MqClusterOptions();
        configure?.Invoke(options);
        options.Validate();
        string root = Path.Combine(options.RootDirectory ?? Path.GetTempPath(), "mq-cluster-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var cluster = new MqCluster(options, root);
        try
        {
            await cluster.StartNodesAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartNodesAsync(CancellationToken cancellationToken)
    {
        if (_options.ConfigureBroker is null)
        {
            await StartNameServersWithMastersAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            string[] nameServers = await StartNameServersAsync(cancellationToken).ConfigureAwait(false);
            var starts = new Task[_brokers.Length];
            for (int i = 0; i < _brokers.Length; i++)
            {
                string name = BrokerName(i);
                _brokers[i] = new MqClusterBroker(name, BrokerOptionsFor(name, 0, nameServers), _loggerFactory);
                starts[i] = _brokers[i].StartAsync(cancellationToken);
            }
            await Task.WhenAll(starts).ConfigureAwait(false);
        }
        // Slaves after their masters: the first REGISTER_BROKER answer then already names the master.
        string[] addresses = NameServerAddresses();
        var slaveStarts = new List<Task>();
        foreach (MqClusterBroker master in _brokers)
        {
            for (int id = 1; id <= _options.SlavesPerGroup; id++)
            {
                var slave = new MqClusterBroker(master.Name, BrokerOptionsFor(master.Name, id, addresses), _loggerFactory);
                master.AddSlave(slave);
                slaveStarts.Add(slave.StartAsync(cancellationToken));
            }
        }
        await Task.WhenAll(slaveStarts).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the NameServers and the masters at once. Without <see cref="MqClusterOptions.ConfigureBroker"/> nothing
    /// looks at a master's options before it starts, so a master need not wait for the NameServers' ports: it opens its
    /// store and binds while they start, and takes their addresses just before registering. A cold first start is
    /// mostly JIT, which then runs on two cores. A NameServer that fails fails the masters' starts too.
    /// </summary>
    private async Task StartNameServersWithMastersAsync(CancellationToken cancellationToken)
    {
        for (int i = 0; i < _brokers.Length; i++)
        {
            string name = BrokerName(i);
            _brokers[i] = new MqClusterBroker(name, BrokerOptionsFor(name, 0, []), _loggerFactory);
        }
        Task<string[]> nameServers = Task.Run(() => StartNameServersAsync(cancellationToken), cancellationToken);
        var starts = new Task[_brokers.Length + 1];
        starts[0] = nameServers;
        for (int i = 0; i < _brokers.Length; i++)
        {
            MqClusterBroker master = _brokers[i];
            starts[i + 1] = Task.Run(() => master.StartAsync(nameServers, cancellationToken), cancellationToken);
        }
        await Task.WhenAll(starts).ConfigureAwait(false);
    }

    private async Task<string[]> StartNameServersAsync(CancellationToken cancellationToken)
    {
        for (int i = 0; i < _options.NameServers; i++)
        {
            var nsOptions = new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 };
            _nameServers.Add(await NameServer.StartAsync(nsOptions, _loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false));
        }
        string[] addresses = NameServerAddresses();
        NameServerAddress = string.Join(';', addresses);
        return addresses;
    }

    private string[] NameServerAddresses() => _nameServers.ConvertAll(static n => n.Address).ToArray();

    private static string BrokerName(int index) =>
        index < 26 ? "broker-" + (char)('a' + index) : "broker-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private BrokerOptions BrokerOptionsFor(string name, long brokerId, string[] nameServers)
    {
        var options = new BrokerOptions
        {
            BrokerClusterName = _options.ClusterName,
            BrokerName = name,
            BrokerId = brokerId,
            BrokerRole = brokerId == 0 ? _options.MasterRole : Storage.BrokerRole.Slave,
            ListenAddress = "127.0.0.1",
            BrokerIP1 = "127.0.0.1",
            ListenPort = 0,
            VipChannelEnable = false,
            NamesrvAddr = [.. nameServers],
            StorePathRootDir = Path.Combine(RootDirectory, brokerId == 0 ? name : name + "-s" + brokerId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            // Test-sized files: a 1 GiB commit log segment per broker would exhaust small CI disks.
            MappedFileSizeCommitLog = 64 * 1024 * 1024,
            MappedFileSizeConsumeQueue = 20 * 100_000,
            MaxHashSlotNum = 50_000,
            MaxIndexNum = 200_000,
            DeviceKind = SegmentDeviceKind.File,
            AutoCreateTopicEnable = _options.AutoCreateTopic,
            FlushDiskType = _options.FlushDiskType,
        };
        _options.ConfigureBroker?.Invoke(options);
        return options;
    }

    /// <summary>The broker of group <paramref name="brokerName"/>.</summary>
    public MqClusterBroker Broker(string brokerName) =>
        Array.Find(_brokers, b => b.Name == brokerName) ?? throw new ArgumentException($"No broker group named '{brokerName}'.", nameof(brokerName));

    /// <summary>
    /// Creates (or updates) <paramref name="topic"/> with <paramref name="queues"/> read and write queues on
    /// every running master (UPDATE_AND_CREATE_TOPIC, as <c>mqadmin updateTopic</c>), then waits until every
    /// NameServer routes it to all of them.
    /// </summary>
    public async Task CreateTopicAsync(string topic, int queues = 4, bool order = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(queues, 1);
        var running = new List<MqClusterBroker>();
        foreach (MqClusterBroker broker in _brokers)
        {
            if (broker.Node is not { } node)
            {
                continue;
            }
            var header = new CreateTopicRequestHeader
            {
                Topic = topic,
                DefaultTopic = "TBW102",
                ReadQueueNums = queues,
                WriteQueueNums = queues,
                Perm = 6,
                TopicFilterType = "SINGLE_TAG",
                Order = order,
            };
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateTopic, header);
            // On a broker with ACL the fixture's admin requests go out signed by the broker's first admin account.
            node.Acl?.TrySignAsAdmin(request);
            RemotingCommand response = await _admin.InvokeAsync(node.Address, request, null, cancellationToken).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                throw new InvalidOperationException($"Broker {broker.Name} refused to create topic '{topic}': code {response.Code}, {response.Remark}");
            }
            running.Add(broker);
        }
        await WaitForRouteAsync(topic, running, cancellationToken).ConfigureAwait(false);
    }

    private async Task WaitForRouteAsync(string topic, List<MqClusterBroker> brokers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RouteWait);
        while (!IsRouted(topic, brokers))
        {
            try
            {
                await Task.Delay(5, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The NameServers did not route topic '{topic}' to every broker within {RouteWait.TotalSeconds} s.");
            }
        }
    }

    private bool IsRouted(string topic, List<MqClusterBroker> brokers)
    {
        foreach (NameServer ns in _nameServers)
        {
            if (ns.Routes.FindRoute(topic) is not { } route)
            {
                return false;
            }
            foreach (MqClusterBroker broker in brokers)
            {
                if (route.QueueDatas.Find(q => q.BrokerName == broker.Name) is null)
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// <summary>Stops the master of group <paramref name="brokerName"/> (its store is kept for a restart).</summary>
    public Task StopBrokerAsync(string brokerName, CancellationToken cancellationToken = default) => Broker(brokerName).StopAsync(false, cancellationToken);

    /// <summary>
    /// Stops the master of group <paramref name="brokerName"/> as a killed process would look: no
    /// unregistration, nothing flushed or persisted (the next start recovers its store).
    /// </summary>
    public Task CrashBrokerAsync(string brokerName) => Broker(brokerName).StopAsync(abrupt: true);

    /// <summary>Slave <paramref name="brokerId"/> (1..<see cref="MqClusterOptions.SlavesPerGroup"/>) of group <paramref name="brokerName"/>.</summary>
    public MqClusterBroker Slave(string brokerName, long brokerId = 1)
    {
        foreach (MqClusterBroker slave in Broker(brokerName).Slaves)
        {
            if (slave.BrokerId == brokerId)
            {
                return slave;
            }
        }
        throw new ArgumentException($"Group '{brokerName}' has no slave {brokerId}.", nameof(brokerId));
    }

    /// <summary>Stops a slave (its store is kept for a restart).</summary>
    public Task StopSlaveAsync(string brokerName, long brokerId = 1, CancellationToken cancellationToken = default) =>
        Slave(brokerName, brokerId).StopAsync(false, cancellationToken);

    /// <summary>Restarts a stopped slave on its store and previous port.</summary>
    public Task RestartSlaveAsync(string brokerName, long brokerId = 1, CancellationToken cancellationToken = default) =>
        Slave(brokerName, brokerId).StartAsync(cancellationToken);

    /// <summary>Restarts a stopped broker on its store and its previous port.</summary>
    public Task RestartBrokerAsync(string brokerName, CancellationToken cancellationToken = default) => Broker(brokerName).StartAsync(cancellationToken);

    /// <summary>Stops every node and deletes the temporary folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _admin.DisposeAsync().ConfigureAwait(false);
        foreach (MqClusterBroker broker in _brokers)
        {
            if (broker is not null)
            {
                foreach (MqClusterBroker slave in broker.Slaves)
                {
                    await slave.StopAsync().ConfigureAwait(false);
                }
                await broker.StopAsync().ConfigureAwait(false);
            }
        }
        foreach (NameServer ns in _nameServers)
        {
            await ns.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the OS for a moment: the temp folder is only litter, never a failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
