using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mq.Transport;

/// <summary>TCP over <see cref="Socket"/> and System.IO.Pipelines.</summary>
internal sealed class SocketTransport : ITransport
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private long _nextId;

    public SocketTransport(TransportOptions options, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SocketTransport>();
    }

    public ValueTask<ITransportListener> BindAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            socket.Bind(endPoint);
            socket.Listen(_options.Backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return ValueTask.FromResult<ITransportListener>(new SocketListener(socket, this));
    }

    public async ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = _options.NoDelay;
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return Wrap(socket);
    }

    internal SocketConnection Wrap(Socket socket)
    {
        socket.NoDelay = _options.NoDelay;
        var connection = new SocketConnection(socket, _options, _logger, Interlocked.Increment(ref _nextId));
        connection.Start();
        return connection;
    }

    private sealed class SocketListener(Socket socket, SocketTransport transport) : ITransportListener
    {
        public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

        public async ValueTask<ITransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            while (true)
            {
                try
                {
                    Socket accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                    return transport.Wrap(accepted);
                }
                catch (ObjectDisposedException)
                {
                    return null; // unbound
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
                {
                    return null; // unbound
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
                {
                    // The client went away before we accepted it; keep accepting.
                }
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => UnbindAsync();
    }
}
