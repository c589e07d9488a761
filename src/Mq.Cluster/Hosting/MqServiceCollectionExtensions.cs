using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mq.Brokers;
using Mq.NameServers;

namespace Mq.Hosting;

/// <summary>Entry points: <c>services.AddRocketMq()</c> and the single-node shortcuts.</summary>
public static class MqServiceCollectionExtensions
{
    /// <summary>
    /// Starts composing Mq in <paramref name="services"/>: chain <c>.AddNameServer(...)</c> (and, as they
    /// exist, brokers, producers and consumers). Calling it again returns a builder over the same collection.
    /// </summary>
    public static MqBuilder AddRocketMq(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new MqBuilder(services);
    }

    /// <summary>Shortcut for <c>services.AddRocketMq().AddNameServer(configure)</c>: one unnamed NameServer.</summary>
    public static MqBuilder AddRocketMqNameServer(this IServiceCollection services, Action<NameServerOptions>? configure = null) =>
        services.AddRocketMq().AddNameServer(configure);

    /// <summary>Shortcut for <c>services.AddRocketMq().AddNameServer(configuration)</c>: one unnamed NameServer bound to a section.</summary>
    public static MqBuilder AddRocketMqNameServer(this IServiceCollection services, IConfiguration configuration) =>
        services.AddRocketMq().AddNameServer(configuration);

    /// <summary>Shortcut for <c>services.AddRocketMq().AddBroker(configure)</c>: one unnamed broker.</summary>
    public static MqBuilder AddRocketMqBroker(this IServiceCollection services, Action<BrokerOptions>? configure = null) =>
        services.AddRocketMq().AddBroker(configure);

    /// <summary>Shortcut for <c>services.AddRocketMq().AddBroker(configuration)</c>: one unnamed broker bound to a section.</summary>
    public static MqBuilder AddRocketMqBroker(this IServiceCollection services, IConfiguration configuration) =>
        services.AddRocketMq().AddBroker(configuration);
}
