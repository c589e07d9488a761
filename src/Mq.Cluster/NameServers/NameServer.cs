using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Transport;

namespace Mq.NameServers;

/// <summary>
/// A running NameServer node (RocketMQ <c>NamesrvController</c>): the route registry and KV config served
/// over the remoting protocol. Start one with <see cref="StartAsync(NameServerOptions, ILoggerFactory?, TimeProvider?, CancellationToken)"/>;
/// several can run in one process (each has its own registry, KV store and port). Disposing stops it
/// gracefully: no new connections, in-flight requests answered, connections closed.
/// </summary>
/// <remarks>
/// Liveness as in RocketMQ: a broker is removed when its registering connection closes, and every
/// <see cref="NameServerOptions.ScanInterval"/> brokers not re-registered within
/// <see cref="NameServerOptions.BrokerExpiry"/> are removed and their connections closed.
/// </remarks>
public sealed class NameServer : IAsyncDisposable
{
    private readonly RemotingServer _server;
    private readonly NameServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TimeSpan _scanInterval;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _scanLoop;
    private readonly object _stopGate = new();
    private Task? _stopped;

    private NameServer(RemotingServer server, NameServerCommands commands, NameServerMetrics metrics, ILogger logger,
        TimeProvider time, TimeSpan scanInterval, IPEndPoint endPoint, string address)
    {
        _server = server;
        Commands = commands;
        _metrics = metrics;
        _logger = logger;
        _time = time;
        _scanInterval = scanInterval;
        EndPoint = endPoint;
        Address = address;
        _scanLoop = ScanLoopAsync();
    }

    /// <summary>The bound end point (with the real port when <see cref="NameServerOptions.ListenPort"/> was 0).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>
    /// "ip:port" clients and brokers can connect to (the <c>namesrvAddr</c> entry). When bound to the
    /// wildcard address this names 127.0.0.1; remote peers need the host's own address.
    /// </summary>
    public string Address { get; }

    /// <summary>The remoting server (connections, transport counters) for diagnostics and tests.</summary>
    internal RemotingServer Server => _server;

    /// <summary>The routing state (read it for diagnostics; the node keeps it up to date).</summary>
    public RouteRegistry Routes => Commands.Routes;

    /// <summary>The KV config.</summary>
    public KvConfigStore KvConfig => Commands.KvConfig;

    /// <summary>The command set the request handlers call.</summary>
    internal NameServerCommands Commands { get; }

    /// <summary>
    /// Validates <paramref name="options"/> (once; later changes to the object do not affect the node),
    /// opens the KV config, binds <see cref="NameServerOptions.ListenAddress"/>:<see cref="NameServerOptions.ListenPort"/>
    /// and returns once listening.
    /// </summary>
    /// <param name="options">Settings.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="timeProvider">Clock for liveness and the expiry scan; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="cancellationToken">Cancels binding.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">Invalid options (every problem listed).</exception>
    /// <exception cref="InvalidDataException">The KV config file and its backup are both unreadable.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The address could not be bound (port in use...).</exception>
    public static Task<NameServer> StartAsync(NameServerOptions options, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, options?.Transport, transport: null, loggerFactory, timeProvider, cancellationToken);

    /// <summary>
    /// Starts a node over a given transport (the in-memory transport in tests and benchmarks) with given
    /// transport settings (null: <see cref="NameServerOptions.Transport"/>); see the public overload.
    /// </summary>
    internal static async Task<NameServer> StartAsync(NameServerOptions options, TransportOptions? transportOptions, ITransport? transport,
        ILoggerFactory? loggerFactory, TimeProvider? timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // Copy what the node uses, so later changes to the (mutable) options object have no effect.
        TimeSpan expiry = options.BrokerExpiry;
        TimeSpan scanInterval = options.ScanInterval;
        var endPoint = new IPEndPoint(IPAddress.Parse(options.ListenAddress), options.ListenPort);
        bool orderMessageEnable = options.OrderMessageEnable;
        string? kvPath = options.KvConfigPath;
        // Settings as GET_NAMESRV_CONFIG answers them; the port becomes the bound one once it is known.
        byte[] configText = options.RocketMqConfigText(options.ListenPort);

        loggerFactory ??= NullLoggerFactory.Instance;
        timeProvider ??= TimeProvider.System;
        ILogger logger = loggerFactory.CreateLogger<NameServer>();

        KvConfigStore kv = KvConfigStore.Open(kvPath);
        if (kv.LoadedFromBackup)
        {
            logger.KvConfigLoadedFromBackup(kv.Path!);
        }
        var routes = new RouteRegistry(timeProvider, expiry);
        var commands = new NameServerCommands(routes, kv, orderMessageEnable);

        var server = new RemotingServer(transportOptions ?? options.Transport, transport, loggerFactory);
        // Handlers and the close watcher first: a connection accepted right after binding must already be
        // served, and a broker registered over it must go when it closes.
        server.ConnectionClosed += new ConnectionWatcher(routes, logger).OnClosed;
        var handler = new NameServerRequestHandler(commands, logger, configText);
        foreach (int code in NameServerRequestHandler.RequestCodes)
        {
            server.RegisterHandler(code, handler);
        }
        NameServerMetrics? metrics = null;
        try
        {
            await server.StartAsync(endPoint, cancellationToken).ConfigureAwait(false);
            IPEndPoint bound = server.EndPoint!;
            string address = RemotingAddress.Format(bound.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, bound.Port) : bound);
            // The meter is tagged with the bound address, known only now; requests in the moment between
            // binding and this line are served but not counted.
            metrics = new NameServerMetrics(address, routes);
            handler.Metrics = metrics;
            handler.ConfigText = options.RocketMqConfigText(bound.Port);
            var node = new NameServer(server, commands, metrics, logger, timeProvider, scanInterval, bound, address);
            logger.Started(address);
            return node;
        }
        catch
        {
            metrics?.Dispose();
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops gracefully: stops the expiry scan and the listener, waits for in-flight requests (up to the
    /// transport's shutdown timeout, or until <paramref name="cancellationToken"/> fires), then closes every
    /// connection. Idempotent; concurrent calls share one stop.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_stopGate)
        {
            return _stopped ??= StopCoreAsync(cancellationToken);
        }
    }

    /// <summary>Same as <see cref="StopAsync"/> without a deadline beyond the transport's shutdown timeout.</summary>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _scanLoop.ConfigureAwait(false);
        await _server.StopAsync(cancellationToken).ConfigureAwait(false);
        _metrics.Dispose();
        _stopping.Dispose();
        _logger.Stopped(Address);
    }

    /// <summary>RocketMQ's <c>onChannelDestroy</c>: brokers registered over a closed connection go at once.</summary>
    private sealed class ConnectionWatcher(RouteRegistry routes, ILogger logger)
    {
        public void OnClosed(RemotingConnection connection)
        {
            IReadOnlyList<string> removed = routes.ConnectionClosed(connection);
            for (int i = 0; i < removed.Count; i++)
            {
                logger.BrokerConnectionClosed(connection.Id, connection.RemoteAddress, removed[i]);
            }
        }
    }

    /// <summary>RocketMQ's <c>scanNotActiveBroker</c> task; runs on <see cref="TimeProvider"/> time.</summary>
    private async Task ScanLoopAsync()
    {
        using var timer = new PeriodicTimer(_scanInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                ScanOnce();
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>One expiry pass: drops expired brokers and closes the connections they registered over.</summary>
    internal void ScanOnce()
    {
        try
        {
            IReadOnlyList<RemovedBroker> expired = Routes.ScanNotActiveBrokers();
            foreach (RemovedBroker removed in expired)
            {
                _logger.BrokerExpired(removed.BrokerAddr);
                if (removed.Connection is RemotingConnection connection)
                {
                    // A broker that stopped registering may hold a stuck channel; Java closes it too.
                    _ = connection.CloseAsync();
                }
            }
        }
        catch (Exception e)
        {
            // The scan must keep running whatever happens to one pass.
            _logger.ScanFailed(e);
        }
    }
}
