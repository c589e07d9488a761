using System.Net;

namespace Mq.Transport;

/// <summary>A bound listener that hands out accepted connections.</summary>
internal interface ITransportListener : IAsyncDisposable
{
    /// <summary>The bound end point (the real port when bound to port 0).</summary>
    EndPoint EndPoint { get; }

    /// <summary>Waits for the next connection; null once the listener is unbound.</summary>
    ValueTask<ITransportConnection?> AcceptAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops accepting; already accepted connections are unaffected.</summary>
    ValueTask UnbindAsync(CancellationToken cancellationToken = default);
}
