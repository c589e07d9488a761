using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mq.Brokers;

namespace Mq.Hosting;

/// <summary>
/// Adds broker nodes to an <see cref="MqBuilder"/>. Each node is a keyed <see cref="BrokerHost"/>
/// singleton (key = its name; the unnamed node is also registered unkeyed) plus a hosted service that starts
/// it with the host and stops it with the host. Options are named <see cref="BrokerOptions"/>, validated
/// when the host starts. Adding the same name twice adds configuration to the one node.
/// </summary>
public static class MqBuilderBrokerExtensions
{
    /// <summary>Adds the unnamed broker, configured by <paramref name="configure"/>.</summary>
    public static MqBuilder AddBroker(this MqBuilder builder, Action<BrokerOptions>? configure = null) =>
        builder.AddBroker(Options.DefaultName, configure);

    /// <summary>Adds a broker named <paramref name="name"/> (resolve it with <c>GetRequiredKeyedService&lt;BrokerHost&gt;(name)</c>).</summary>
    public static MqBuilder AddBroker(this MqBuilder builder, string name, Action<BrokerOptions>? configure = null)
    {
        OptionsBuilder<BrokerOptions> options = AddNode(builder, name);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return builder;
    }

    /// <summary>Adds the unnamed broker with options bound from <paramref name="configuration"/> (a section such as <c>Mq:Broker</c>).</summary>
    public static MqBuilder AddBroker(this MqBuilder builder, IConfiguration configuration) =>
        builder.AddBroker(Options.DefaultName, configuration);

    /// <summary>Adds a broker named <paramref name="name"/> with options bound from <paramref name="configuration"/>.</summary>
    public static MqBuilder AddBroker(this MqBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddNode(builder, name).Bind(configuration);
        return builder;
    }

    private static OptionsBuilder<BrokerOptions> AddNode(MqBuilder builder, string name) =>
        NodeRegistration.Add<BrokerHost, Broker, BrokerOptions, BrokerOptionsValidator>(builder, name,
            static (key, options, loggers, time) => new BrokerHost(key, options, loggers, time));
}
