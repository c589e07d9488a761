using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mq.Hosting;

/// <summary>
/// The registration shared by every node kind: named, validated-on-start options; a keyed host singleton
/// (the unnamed node also unkeyed); a hosted service bound to it. Adding a name twice only adds configuration.
/// </summary>
internal static class NodeRegistration
{
    public static OptionsBuilder<TOptions> Add<THost, TNode, TOptions, TValidator>(MqBuilder builder, string name,
        Func<string, IOptionsMonitor<TOptions>, ILoggerFactory?, TimeProvider?, THost> create)
        where THost : NodeHost<TNode, TOptions>
        where TNode : class
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        IServiceCollection services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        OptionsBuilder<TOptions> options = services.AddOptions<TOptions>(name).ValidateOnStart();
        if (!IsAdded(services, typeof(THost), name))
        {
            services.AddKeyedSingleton(name, (sp, key) => create(
                (string)key!,
                sp.GetRequiredService<IOptionsMonitor<TOptions>>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<TimeProvider>()));
            services.AddSingleton<IHostedService>(sp => new NodeHostedService<TNode, TOptions>(sp.GetRequiredKeyedService<THost>(name)));
            if (name.Length == 0)
            {
                services.TryAddSingleton(static sp => sp.GetRequiredKeyedService<THost>(Options.DefaultName));
            }
        }
        return options;
    }

    private static bool IsAdded(IServiceCollection services, Type hostType, string name)
    {
        foreach (ServiceDescriptor descriptor in services)
        {
            if (descriptor.IsKeyedService && descriptor.ServiceType == hostType && Equals(descriptor.ServiceKey, name))
            {
                return true;
            }
        }
        return false;
    }
}
