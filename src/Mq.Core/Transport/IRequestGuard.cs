using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// Admits or refuses every request a server receives before any handler sees it (Java's server <c>RPCHook</c>
/// <c>doBeforeRequest</c>, which the 4.9 broker uses for ACL). Runs on the receive loop: never block.
/// </summary>
internal interface IRequestGuard
{
    /// <summary>
    /// Null to admit <paramref name="request"/>; otherwise why it is refused, which the server answers as
    /// SYSTEM_ERROR with that remark (nothing for a oneway request), as a throwing Java hook is answered.
    /// </summary>
    string? Refuse(RemotingConnection connection, RemotingCommand request);
}
