using System.Net;

namespace Mq.Transport;

/// <summary>
/// Where connections come from: sockets (<see cref="SocketTransport"/>) or memory
/// (<see cref="MemoryTransport"/>). Both address peers by IP end point, so "host:port" strings work
/// the same way over either.
/// </summary>
internal interface ITransport
{
    /// <summary>Binds a listener; port 0 picks a free port (read it from the listener).</summary>
    ValueTask<ITransportListener> BindAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default);

    /// <summary>Opens a connection to a listener.</summary>
    ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default);
}
