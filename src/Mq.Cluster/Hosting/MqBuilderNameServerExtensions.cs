using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Mq.NameServers;

namespace Mq.Hosting;

/// <summary>
/// Adds NameServer nodes to an <see cref="MqBuilder"/>. Each node is a keyed <see cref="NameServerHost"/>
/// singleton (key = its name; the unnamed node is also registered unkeyed) plus a hosted service that starts
/// it with the host and stops it with the host. Options are named <see cref="NameServerOptions"/>, validated
/// when the host starts. Adding the same name twice adds configuration to the one node.
/// </summary>
public static class MqBuilderNameServerExtensions
{
    /// <summary>Adds the unnamed NameServer, configured by <paramref name="configure"/>.</summary>
    public static MqBuilder AddNameServer(this MqBuilder builder, Action<NameServerOptions>? configure = null) =>
        builder.AddNameServer(Options.DefaultName, configure);

    /// <summary>Adds a NameServer named <paramref name="name"/> (resolve it with <c>GetRequiredKeyedService&lt;NameServerHost&gt;(name)</c>).</summary>
    public static MqBuilder AddNameServer(this MqBuilder builder, string name, Action<NameServerOptions>? configure = null)
    {
        OptionsBuilder<NameServerOptions> options = AddNode(builder, name);
        if (configure is not null)
        {
            options.Configure(configure);
        }
        return builder;
    }

    /// <summary>Adds the unnamed NameServer with options bound from <paramref name="configuration"/> (a section such as <c>Mq:NameServer</c>).</summary>
    public static MqBuilder AddNameServer(this MqBuilder builder, IConfiguration configuration) =>
        builder.AddNameServer(Options.DefaultName, configuration);

    /// <summary>Adds a NameServer named <paramref name="name"/> with options bound from <paramref name="configuration"/>.</summary>
    public static MqBuilder AddNameServer(this MqBuilder builder, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddNode(builder, name).Bind(configuration);
        return builder;
    }

    private static OptionsBuilder<NameServerOptions> AddNode(MqBuilder builder, string name) =>
        NodeRegistration.Add<NameServerHost, NameServer, NameServerOptions, NameServerOptionsValidator>(builder, name,
            static (key, options, loggers, time) => new NameServerHost(key, options, loggers, time));
}
