using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Storage.Abstractions;

namespace Mq.Storage.Ha;

/// <summary>
/// The master side of classic HA (RocketMQ <c>HAService</c> + <c>AcceptSocketService</c>): a TCP listener
/// whose connections each stream the committed commit log to one slave
/// (protocol: remoting-protocol.md §8). Start with <see cref="Start"/>; dispose to stop and drop slaves.
/// </summary>
public sealed class HaServer : IAsyncDisposable
{
    private readonly IReplicationSource _source;
    private readonly HaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly bool _ownsTracker;
    private readonly ConcurrentDictionary<HaConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private readonly StrongBox<long> _refusedSlaves = new();
    private int _disposed;

    /// <summary>
    /// Creates a server over <paramref name="source"/> (the master's store). Acknowledgements go to
    /// <paramref name="ackTracker"/>, or to a tracker this server owns (see <see cref="AckTracker"/>).
    /// </summary>
    public HaServer(IReplicationSource source, HaOptions options, ReplicationAckTracker? ackTracker = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _source = source;
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HaServer>();
        _ownsTracker = ackTracker is null;
        AckTracker = ackTracker ?? new ReplicationAckTracker(_options, _time);
    }

    /// <summary>Where SYNC_MASTER sends wait for slave acknowledgements.</summary>
    public ReplicationAckTracker AckTracker { get; }

    /// <summary>The bound endpoint (after <see cref="Start"/>; the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_listener?.LocalEndPoint ?? throw new InvalidOperationException("The HA server is not started.");

    /// <summary>Slaves refused because their log diverged from this master's (ahead of its end or behind its start).</summary>
    public long RefusedSlaves => Interlocked.Read(ref _refusedSlaves.Value);

    /// <summary>Connected slaves, master head and best slave offset, read now.</summary>
    public HaRuntimeInfo RuntimeInfo => new(AckTracker.ConnectedSlaves, _source.CommitLogMaxOffset, AckTracker.Push2SlaveMaxOffset);

    /// <summary>Binds <see cref="HaOptions.ListenAddress"/>:<see cref="HaOptions.ListenPort"/> and starts accepting slaves.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_listener is not null)
        {
            throw new InvalidOperationException("The HA server is already started.");
        }
        var endPoint = new IPEndPoint(IPAddress.Parse(_options.ListenAddress), _options.ListenPort);
        var listener = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(endPoint);
            listener.Listen(64);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        _listener = listener;
        HaLog.Listening(_logger, listener.LocalEndPoint!.ToString()!);
        _acceptLoop = AcceptLoopAsync(listener);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                HaLog.AcceptFailed(_logger, ex);
                continue;
            }
            socket.NoDelay = true;
            var connection = new HaConnection(socket, _source, _options, AckTracker, _refusedSlaves, _time, _logger);
            _connections.TryAdd(connection, 0);
            _ = RunConnectionAsync(connection);
        }
    }

    private async Task RunConnectionAsync(HaConnection connection)
    {
        try
        {
            await connection.RunAsync(_stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(connection, out _);
        }
    }

    /// <summary>Stops listening, closes every slave connection and (if owned) the ack tracker.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var connection in _connections.Keys)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        if (_ownsTracker)
        {
            AckTracker.Dispose();
        }
        _stop.Dispose();
    }
}
