using System.Net;
using Microsoft.Extensions.Logging;

namespace Mq.Transport;

/// <summary>
/// A remoting listener with its connections (Java <c>NettyRemotingServer</c>): register handlers,
/// start on an end point (port 0 picks one; read <see cref="EndPoint"/>), call clients back through
/// the <see cref="RemotingConnection"/> a handler received or an open event reported. Disposing
/// stops gracefully: no new connections, in-flight requests answered (up to the shutdown timeout),
/// then every connection closed.
/// </summary>
internal sealed class RemotingServer : RemotingPeer
{
    private ITransportListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private int _stopped;

    public RemotingServer(TransportOptions options, ITransport? transport = null, ILoggerFactory? loggerFactory = null)
        : base(options, transport, loggerFactory)
    {
    }

    /// <summary>The bound end point (with the real port), once started.</summary>
    public IPEndPoint? EndPoint => _listener?.EndPoint as IPEndPoint;

    /// <summary>"ip:port" of the bound end point, once started.</summary>
    public string? Address => _listener is null ? null : RemotingAddress.Format(_listener.EndPoint);

    /// <summary>Binds and starts accepting connections.</summary>
    public async Task StartAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        if (_listener is not null)
        {
            throw new InvalidOperationException("the server is already started");
        }
        _listener = await Transport.BindAsync(endPoint, cancellationToken).ConfigureAwait(false);
        Logger.ListenerStarted(RemotingAddress.Format(_listener.EndPoint));
        _acceptLoop = AcceptLoopAsync(_listener);
    }

    /// <summary>Graceful stop; see the type's remarks. Idempotent.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        if (_listener is not null)
        {
            await _listener.UnbindAsync(cancellationToken).ConfigureAwait(false);
            await _acceptLoop.ConfigureAwait(false);
            Logger.ListenerStopped(RemotingAddress.Format(_listener.EndPoint));
        }
        await DrainAndCloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private async Task AcceptLoopAsync(ITransportListener listener)
    {
        try
        {
            while (await listener.AcceptAsync().ConfigureAwait(false) is { } transport)
            {
                var connection = new RemotingConnection(this, transport);
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
