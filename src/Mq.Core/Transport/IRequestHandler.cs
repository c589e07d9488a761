using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// Serves one or more request codes (Java <c>NettyRequestProcessor</c>). Registered on a server or a
/// client with <see cref="RemotingPeer.RegisterHandler(int, IRequestHandler)"/>.
/// </summary>
internal interface IRequestHandler
{
    /// <summary>
    /// Handles <paramref name="request"/>. Return the response (the transport sets its opaque, response
    /// flag and serialisation from the request, sends it, and disposes it), or null to send nothing now:
    /// for oneway requests, or to answer later through a <see cref="DeferredReply"/> (long polling).
    /// The request is disposed when the returned task completes; copy what must outlive it, or
    /// <see cref="RemotingCommand.Retain"/> it (a response may carry the request's body that way). A thrown
    /// exception answers SYSTEM_ERROR with its message. Runs on the receive loop unless
    /// <see cref="TransportOptions.InlineHandlers"/> is off: never block.
    /// </summary>
    ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken);
}
