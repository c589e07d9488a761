using Mq.Transport;

namespace Mq.Broker.Processors;

/// <summary>
/// A handler for one request family (RocketMQ <c>NettyRequestProcessor</c> per family). Each processor
/// registers its request codes itself, so <see cref="Broker"/> adds one line per family.
/// </summary>
internal interface IBrokerProcessor : IRequestHandler
{
    /// <summary>Registers every request code this processor serves.</summary>
    void Register(RemotingServer server);
}
