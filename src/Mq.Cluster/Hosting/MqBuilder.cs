using Microsoft.Extensions.DependencyInjection;

namespace Mq.Hosting;

/// <summary>
/// Composes Mq nodes and clients in a service collection; returned by
/// <see cref="MqServiceCollectionExtensions.AddRocketMq"/>. Each node kind adds itself with an extension
/// method (<see cref="MqBuilderNameServerExtensions.AddNameServer(MqBuilder, Action{Mq.NameServers.NameServerOptions}?)"/>,
/// and the broker and clients alike), so calls chain: <c>services.AddRocketMq().AddNameServer(...)</c>.
/// </summary>
public sealed class MqBuilder
{
    internal MqBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The service collection nodes are registered in (for extensions adding their own services).</summary>
    public IServiceCollection Services { get; }
}
