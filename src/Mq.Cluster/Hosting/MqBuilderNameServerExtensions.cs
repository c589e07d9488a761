using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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

    private static OptionsBuilder<NameServerOptions> AddNode(MqBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        IServiceCollection services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NameServerOptions>, NameServerOptionsValidator>());
        OptionsBuilder<NameServerOptions> options = services.AddOptions<NameServerOptions>(name).ValidateOnStart();
        if (!IsAdded(services, name))
        {
            services.AddKeyedSingleton(name, static (sp, key) => new NameServerHost(
                (string)key!,
                sp.GetRequiredService<IOptionsMonitor<NameServerOptions>>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<TimeProvider>()));
            services.AddSingleton<IHostedService>(sp => new NameServerHostedService(sp.GetRequiredKeyedService<NameServerHost>(name)));
            if (name.Length == 0)
            {
                services.TryAddSingleton(static sp => sp.GetRequiredKeyedService<NameServerHost>(Options.DefaultName));
            }
        }
        return options;
    }

    private static bool IsAdded(IServiceCollection services, string name)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.IsKeyedService && descriptor.ServiceType == typeof(NameServerHost) && Equals(descriptor.ServiceKey, name))
            {
                return true;
            }
        }
        return false;
    }
}
