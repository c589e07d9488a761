using System.Net;
using Microsoft.Extensions.Logging;

namespace Mq.Transport;

/// <summary>
/// A remoting server with its connections (Java <c>NettyRemotingServer</c>): register handlers, start
/// on an end point (port 0 picks one; read <see cref="EndPoint"/>), optionally listen on more end points
/// with the same handlers (a broker's VIP port, listenPort - 2), and call clients back through the
/// <see cref="RemotingConnection"/> a handler received or an open event reported. Disposing stops
/// gracefully: no new connections, in-flight requests answered (up to the shutdown timeout), then
/// every connection closed.
/// </summary>
internal sealed class RemotingServer : RemotingPeer
{
    private readonly object _gate = new();
    private readonly List<(ITransportListener Listener, Task AcceptLoop)> _listeners = [];
    private int _stopped;

    public RemotingServer(TransportOptions options, ITransport? transport = null, ILoggerFactory? loggerFactory = null)
        : base(options, transport, loggerFactory)
    {
    }

    /// <summary>The first bound end point (with the real port), once started.</summary>
    public IPEndPoint? EndPoint
    {
        get
        {
            lock (_gate)
            {
                return _listeners.Count == 0 ? null : (IPEndPoint)_listeners[0].Listener.EndPoint;
            }
        }
    }

    /// <summary>Every bound end point, in binding order.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints
    {
        get
        {
            lock (_gate)
            {
                var endPoints = new List<IPEndPoint>(_listeners.Count);
                foreach ((ITransportListener listener, Task _) in _listeners)
                {
                    endPoints.Add((IPEndPoint)listener.EndPoint);
                }
                return endPoints;
            }
        }
    }

    /// <summary>"ip:port" of the first bound end point, once started.</summary>
    public string? Address => EndPoint is { } endPoint ? RemotingAddress.Format(endPoint) : null;

    /// <summary>Binds the first end point and starts accepting connections.</summary>
    public Task StartAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_listeners.Count > 0)
            {
                throw new InvalidOperationException("the server is already started; use ListenAsync to add end points");
            }
        }
        return ListenAsync(endPoint, cancellationToken);
    }

    /// <summary>Binds one more end point served by the same handlers; returns the bound end point.</summary>
    public async Task<IPEndPoint> ListenAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        ITransportListener listener = await Transport.BindAsync(endPoint, cancellationToken).ConfigureAwait(false);
        Logger.ListenerStarted(RemotingAddress.Format(listener.EndPoint));
        lock (_gate)
        {
            _listeners.Add((listener, AcceptLoopAsync(listener)));
        }
        return (IPEndPoint)listener.EndPoint;
    }

    /// <summary>Graceful stop; see the type's remarks. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        (ITransportListener Listener, Task AcceptLoop)[] listeners;
        lock (_gate)
        {
            listeners = [.. _listeners];
        }
        foreach ((ITransportListener listener, Task acceptLoop) in listeners)
        {
            await listener.UnbindAsync(cancellationToken).ConfigureAwait(false);
            await acceptLoop.ConfigureAwait(false);
            Logger.ListenerStopped(RemotingAddress.Format(listener.EndPoint));
        }
        await DrainAndCloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override bool ClosesIdleConnections => true;

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task AcceptLoopAsync(ITransportListener listener)
    {
        try
        {
            while (await listener.AcceptAsync().ConfigureAwait(false) is { } transport)
            {
                var connection = new RemotingConnection(this, transport, pauseReadsWhenWriteBlocked: true);
                OnConnectionOpened(connection);
                connection.Start();
            }
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or InvalidOperationException)
        {
            Logger.AcceptFailed(ex, RemotingAddress.Format(listener.EndPoint));
        }
    }
}
