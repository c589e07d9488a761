using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Brokers.Clients;
using Mq.Brokers.Groups;
using Mq.Brokers.LongPolling;
using Mq.Brokers.Offsets;
using Mq.Brokers.Registration;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers;

/// <summary>
/// A RocketMQ-compatible broker node (RocketMQ <c>BrokerController</c>): a <see cref="MessageStore"/> behind
/// the remoting protocol on <c>listenPort</c> and the VIP port, with topics, subscription groups, consumer
/// offsets, client channels, long polling and NameServer registration. Start with <see cref="StartAsync"/>;
/// dispose to stop (unregisters, answers held pulls, persists offsets, closes the store). Several brokers
/// can run in one process, each with its own store directory.
/// </summary>
public sealed partial class Broker : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private readonly List<Func<ValueTask>> _stopActions = [];
    private int _disposed;

    private Broker(BrokerOptions options, MessageStore store, RemotingServer server, RemotingClient nameServerClient, ILoggerFactory loggerFactory,
        TimeProvider time)
    {
        Options = options;
        Store = store;
        Server = server;
        Time = time;
        BootTimestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
        StatsItems = new BrokerStatsItems(options.BrokerClusterName);
        LoggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger<Broker>();
        Topics = new TopicConfigManager(options, time, Logger);
        Groups = new SubscriptionGroupManager(options, time, Logger);
        Offsets = new ConsumerOffsetManager(options);
        Consumers = new ConsumerManager(this);
        Producers = new ProducerManager(this);
        PullHolds = new PullRequestHoldService(this);
        OuterApi = new BrokerOuterApi(this, nameServerClient);
        BrokerIP1 = options.ResolveBrokerIP1();
        InitDelivery();
    }

    /// <summary>The settings in effect (a copy).</summary>
    public BrokerOptions Options { get; }

    /// <summary>"brokerIP1:listenPort": the address registered with the NameServers and encoded in offset message ids.</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>"brokerIP1:vipPort" when the VIP channel is enabled, else null.</summary>
    public string? VipAddress { get; private set; }

    /// <summary>The bound main end point.</summary>
    public IPEndPoint EndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The bound VIP end point, when enabled.</summary>
    public IPEndPoint? VipEndPoint { get; private set; }

    /// <summary>The message store (shared with in-process components such as schedule and transaction services).</summary>
    public MessageStore Store { get; }

    internal RemotingServer Server { get; }

    /// <summary>The ACL configuration and request check when <see cref="BrokerOptions.AclEnable"/> is on.</summary>
    internal Acl.AclManager? Acl { get; private set; }

    internal TimeProvider Time { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal IPAddress BrokerIP1 { get; }

    /// <summary>brokerIP1 + listenPort as stored in every record.</summary>
    internal MessageHost StoreHost { get; private set; }

    internal TopicConfigManager Topics { get; }

    internal SubscriptionGroupManager Groups { get; }

    internal ConsumerOffsetManager Offsets { get; }

    internal ConsumerManager Consumers { get; }

    internal ProducerManager Producers { get; }

    internal PullRequestHoldService PullHolds { get; }

    /// <summary>The broker's meter; null until its address is known (the listener is bound), early in the start.</summary>
    internal BrokerMetrics? Metrics { get; private set; }

    internal BrokerOuterApi OuterApi { get; }

    /// <summary>Cancelled when the broker starts stopping.</summary>
    internal CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// Validates <paramref name="options"/>, opens the store, loads topics, groups and offsets, starts
    /// listening and registers with every configured NameServer.
    /// </summary>
    public static Task<Broker> StartAsync(BrokerOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default) =>
        StartWithStoreServicesAsync(options, loggerFactory, timeProvider, deviceProvider: null, diskSpace: null, cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(BrokerOptions, ILoggerFactory?, TimeProvider?, CancellationToken)"/> with the store's
    /// file access and disk probe replaced (fault-injection tests: failing devices, a simulated full disk).
    /// </summary>
    internal static Task<Broker> StartWithStoreServicesAsync(BrokerOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider,
        Storage.Devices.ISegmentDeviceProvider? deviceProvider, Storage.Abstractions.IDiskSpaceProbe? diskSpace, CancellationToken cancellationToken) =>
        StartNodeAsync(options, loggerFactory, timeProvider, deviceProvider, diskSpace, nameServerAddresses: null, cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(BrokerOptions, ILoggerFactory?, TimeProvider?, CancellationToken)"/> for a broker whose
    /// NameServers are still starting (<see cref="Testing.MqCluster"/> starts both at once): the store opens and the
    /// ports bind meanwhile; connecting and registering wait for <paramref name="nameServerAddresses"/>, which then
    /// replaces <see cref="BrokerOptions.NamesrvAddr"/>. If it fails, the start fails with its exception.
    /// </summary>
    internal static Task<Broker> StartAwaitingNameServersAsync(BrokerOptions options, Task<string[]> nameServerAddresses, ILoggerFactory? loggerFactory,
        CancellationToken cancellationToken) =>
        StartNodeAsync(options, loggerFactory, null, null, null, nameServerAddresses, cancellationToken);

    private static async Task<Broker> StartNodeAsync(BrokerOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider,
        Storage.Devices.ISegmentDeviceProvider? deviceProvider, Storage.Abstractions.IDiskSpaceProbe? diskSpace, Task<string[]>? nameServerAddresses,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        BrokerOptions settings = options.Clone();
        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        // The NameServer connections open while the store loads: on a cold start each costs about as much as
        // opening the store (first sockets, first frames), and the registration ending the start then only
        // waits for its answer. Every path below waits for them before returning.
        using var connectCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var nameServerClient = new RemotingClient(settings.Transport, null, loggerFactory);
        Task connecting = nameServerAddresses is null
            ? BrokerOuterApi.ConnectAsync(nameServerClient, settings.NameServerAddresses(), connectCancel.Token)
            : BrokerOuterApi.ConnectAsync(nameServerClient, nameServerAddresses, connectCancel.Token);
        MessageStore store;
        try
        {
            store = await MessageStore.OpenAsync(settings.ToStoreOptions(), timeProvider, loggerFactory, deviceProvider, diskSpace, cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            await AbandonConnectsAsync().ConfigureAwait(false);
            await nameServerClient.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var server = new RemotingServer(settings.Transport, null, loggerFactory);
        Broker broker;
        try
        {
            broker = new Broker(settings, store, server, nameServerClient, loggerFactory, timeProvider);
            broker.Topics.Load();
            broker.Groups.Load();
            broker.Offsets.Load();
            broker.LoadDelivery();
            broker.EnableAcl();
            broker.RegisterProcessors();
        }
        catch
        {
            await AbandonConnectsAsync().ConfigureAwait(false);
            await nameServerClient.DisposeAsync().ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        try
        {
            await broker.StartCoreAsync(connecting, nameServerAddresses, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbandonConnectsAsync().ConfigureAwait(false);
            await broker.DisposeAsync().ConfigureAwait(false); // disposes the NameServer client with the outer API
            throw;
        }
        return broker;

        // A failed start stops the early connects and waits for them (they never throw) before closing the client.
        async Task AbandonConnectsAsync()
        {
            await connectCancel.CancelAsync().ConfigureAwait(false);
            await connecting.ConfigureAwait(false);
        }
    }

    private async Task StartCoreAsync(Task nameServersConnected, Task<string[]>? nameServerAddresses, CancellationToken cancellationToken)
    {
        var listen = IPAddress.Parse(Options.ListenAddress);
        await Server.StartAsync(new IPEndPoint(listen, Options.ListenPort), cancellationToken).ConfigureAwait(false);
        EndPoint = Server.EndPoint!;
        if (Options.VipChannelEnable)
        {
            int vipPort = Options.ListenPort == 0 ? 0 : Options.ListenPort - 2;
            VipEndPoint = await Server.ListenAsync(new IPEndPoint(listen, vipPort), cancellationToken).ConfigureAwait(false);
            VipAddress = RemotingAddress.Format(new IPEndPoint(BrokerIP1, VipEndPoint.Port));
        }
        Address = RemotingAddress.Format(new IPEndPoint(BrokerIP1, EndPoint.Port));
        StoreHost = MessageHost.From(BrokerIP1, EndPoint.Port);
        Metrics = new BrokerMetrics(this);
        Server.ConnectionClosed += OnConnectionClosed;
        PullHolds.Start();
        Topics.Changed += OnTopicsChanged;
        StartDelivery();
        StartHa();
        if (Acl?.FilePath is not null)
        {
            StartPeriodic("acl-watch", TimeSpan.FromSeconds(1), _ =>
            {
                Acl.ReloadIfChanged();
                return Task.CompletedTask;
            });
        }
        // The topic table is encoded while the early connects finish; the registration waits for them to settle, so
        // a NameServer they could not reach is tried (and logged) once more.
        bool registers = nameServerAddresses is not null || OuterApi.NameServers.Count > 0;
        BrokerOuterApi.Registration registration = registers ? OuterApi.Prepare() : default;
        await nameServersConnected.ConfigureAwait(false);
        if (nameServerAddresses is not null)
        {
            Options.NamesrvAddr = [.. await nameServerAddresses.ConfigureAwait(false)];
            OuterApi.UseNameServers(Options.NameServerAddresses());
        }
        if (registers)
        {
            await OuterApi.RegisterAllAsync(registration, oneway: false, cancellationToken).ConfigureAwait(false);
        }
        StartPeriodic("register", RegisterPeriod(), ct => OuterApi.RegisterAllAsync(oneway: false, ct));
        StartPeriodic("persist-offsets", Options.FlushConsumerOffsetInterval, _ =>
        {
            Offsets.Persist();
            return Task.CompletedTask;
        });
        StartPeriodic("scan-channels", Options.ChannelScanInterval, _ =>
        {
            ScanExpiredChannels();
            return Task.CompletedTask;
        });
        Stats.Record(Time);
        StartPeriodic("sample-stats", TimeSpan.FromSeconds(1), _ =>
        {
            Stats.Record(Time);
            return Task.CompletedTask;
        });
        StartPeriodic("sample-stats-items", TimeSpan.FromSeconds(10), _ =>
        {
            StatsItems.Sample(Time.GetUtcNow().ToUnixTimeMilliseconds());
            return Task.CompletedTask;
        });
        BrokerLog.Started(Logger, Options.BrokerName, Options.BrokerClusterName, Options.BrokerId, Address, VipAddress, Options.StorePathRootDir);
    }

    /// <summary>Loads the ACL configuration and puts its check in front of every request (4.9 <c>initialAcl</c>).</summary>
    private void EnableAcl()
    {
        if (!Options.AclEnable)
        {
            return;
        }
        Acl = new Acl.AclManager(Options, Time, Logger);
        Server.RequestGuard = Acl.Validator;
    }

    /// <summary>RocketMQ clamps the registration period to 10-60 s.</summary>
    private TimeSpan RegisterPeriod() =>
        TimeSpan.FromMilliseconds(Math.Clamp(Options.RegisterNameServerPeriod.TotalMilliseconds, 10_000, 60_000));

    private void OnTopicsChanged()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        // Oneway re-registration after a topic change, as RocketMQ does; the periodic one repairs losses.
        _ = OuterApi.RegisterAllAsync(oneway: true, _stopping.Token);
    }

    private void OnConnectionClosed(RemotingConnection connection)
    {
        Consumers.OnChannelClosed(connection, "connection closed");
        Producers.OnChannelClosed(connection);
    }

    private void ScanExpiredChannels()
    {
        Consumers.ScanExpired();
        Producers.ScanExpired();
    }

    /// <summary>
    /// Runs <paramref name="action"/> every <paramref name="period"/> until the broker stops (errors are logged,
    /// the loop continues). For background services of other request families (schedule, transaction check).
    /// </summary>
    internal void StartPeriodic(string name, TimeSpan period, Func<CancellationToken, Task> action)
    {
        lock (_loops)
        {
            _loops.Add(RunPeriodicAsync(name, period, action));
        }
    }

    /// <summary>Runs <paramref name="action"/> at stop, after the server stopped and before the store closes (e.g. persisting progress).</summary>
    internal void OnStopping(Func<ValueTask> action)
    {
        lock (_stopActions)
        {
            _stopActions.Add(action);
        }
    }

    private async Task RunPeriodicAsync(string name, TimeSpan period, Func<CancellationToken, Task> action)
    {
        using var timer = new PeriodicTimer(period, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await action(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    BrokerLog.BackgroundFailed(Logger, name, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Stops: unregisters from the NameServers, answers held pulls, stops the server (in-flight requests
    /// are answered until <paramref name="cancellationToken"/> or the transport's shutdown timeout), persists
    /// offsets, topics and groups, and closes the store. Idempotent.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => StopCoreAsync(abrupt: false, cancellationToken);

    /// <summary>
    /// Stops like a killed process as far as peers and disk can tell (tests of failover use it): no
    /// unregistration (NameServers drop the broker when its connection closes), nothing persisted or
    /// flushed, the store's abort marker kept so the next start recovers.
    /// </summary>
    internal Task CrashAsync() => StopCoreAsync(abrupt: true, CancellationToken.None);

    private async Task StopCoreAsync(bool abrupt, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        Topics.Changed -= OnTopicsChanged;
        if (Address.Length > 0 && !abrupt)
        {
            await OuterApi.UnregisterAllAsync(cancellationToken).ConfigureAwait(false);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_loops)
        {
            loops = [.. _loops];
        }
        foreach (Task loop in loops)
        {
            await loop.ConfigureAwait(false);
        }
        await StopDeliveryAsync().ConfigureAwait(false);
        await PullHolds.StopAsync().ConfigureAwait(false);
        Server.ConnectionClosed -= OnConnectionClosed;
        await Server.StopAsync(cancellationToken).ConfigureAwait(false);
        await OuterApi.DisposeAsync().ConfigureAwait(false);
        try
        {
            Func<ValueTask>[] stopActions;
            lock (_stopActions)
            {
                stopActions = [.. _stopActions];
            }
            foreach (Func<ValueTask> action in stopActions)
            {
                try
                {
                    await action().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    BrokerLog.BackgroundFailed(Logger, "stop action", ex);
                }
            }
            if (!abrupt)
            {
                PersistAtStop("persist consumer offsets at stop", static b => b.Offsets.Persist(force: true));
                PersistAtStop("persist subscription groups at stop", static b => b.Groups.Persist());
                PersistAtStop("persist topics at stop", static b => b.Topics.Persist());
            }
        }
        finally
        {
            // The meter's gauges read the store: they go first.
            Metrics?.Dispose();
            await (abrupt ? Store.CrashAsync() : Store.DisposeAsync()).ConfigureAwait(false);
            _stopping.Dispose();
        }
        BrokerLog.Stopped(Logger, Options.BrokerName, Address);
    }

    /// <summary>
    /// A config file that cannot be written at stop (a full disk) keeps its previous version (files are replaced
    /// atomically) and is logged, as RocketMQ's <c>ConfigManager.persist</c> does; the stop goes on and closes the store.
    /// </summary>
    private void PersistAtStop(string what, Action<Broker> persist)
    {
        try
        {
            persist(this);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            BrokerLog.BackgroundFailed(Logger, what, ex);
        }
    }

    /// <summary>Same as <see cref="StopAsync"/> without a deadline beyond the transport's shutdown timeout.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
