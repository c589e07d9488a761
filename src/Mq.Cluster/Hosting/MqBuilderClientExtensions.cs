using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mq.Client;

namespace Mq.Hosting;

/// <summary>
/// Adds clients to an <see cref="MqBuilder"/>: producers and pull consumers as keyed <see cref="Producer"/> /
/// <see cref="PullConsumer"/> singletons started and stopped with the host, push consumers as hosted services
/// running a <see cref="PushConsumer"/> whose handler is resolved from DI. Options are named
/// (<see cref="ProducerOptions"/> by producer name, <see cref="ConsumerOptions"/> and
/// <see cref="PullConsumerOptions"/> by group) and validated when the host starts.
/// </summary>
public static class MqBuilderClientExtensions
{
    /// <summary>
    /// Adds a producer named <paramref name="name"/>: resolve it with
    /// <c>GetRequiredKeyedService&lt;Producer&gt;(name)</c>; it is started when the host starts.
    /// </summary>
    public static MqBuilder AddProducer(this MqBuilder builder, string name, Action<ProducerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProducerOptions>, ClientOptionsValidator<ProducerOptions>>());
        services.AddOptions<ProducerOptions>(name).Configure(configure).ValidateOnStart();
        services.AddKeyedSingleton(name, static (sp, key) => new Producer(
            sp.GetRequiredService<IOptionsMonitor<ProducerOptions>>().Get((string)key!),
            sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<IHostedService>(sp => new ProducerHostedService(sp.GetRequiredKeyedService<Producer>(name)));
        return builder;
    }

    /// <summary>
    /// Adds an <see cref="AdminClient"/> singleton (resolve it with <c>GetRequiredService&lt;AdminClient&gt;()</c>);
    /// its options are validated when the host starts and its connections close with the container.
    /// </summary>
    public static MqBuilder AddAdminClient(this MqBuilder builder, Action<AdminClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminClientOptions>, ClientOptionsValidator<AdminClientOptions>>());
        services.AddOptions<AdminClientOptions>().Configure(configure).ValidateOnStart();
        services.TryAddSingleton(static sp => new AdminClient(sp.GetRequiredService<IOptions<AdminClientOptions>>().Value, sp.GetService<ILoggerFactory>()));
        return builder;
    }

    /// <summary>
    /// Adds a push consumer of <paramref name="group"/> whose messages go to <typeparamref name="THandler"/>
    /// (resolved from DI, or created with its constructor's services). <see cref="ConsumerOptions.ConsumerGroup"/>
    /// defaults to <paramref name="group"/>.
    /// </summary>
    public static MqBuilder AddConsumer<THandler>(this MqBuilder builder, string group, Action<ConsumerOptions> configure)
        where THandler : class, IMessageHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsumerOptions>, ClientOptionsValidator<ConsumerOptions>>());
        services.AddOptions<ConsumerOptions>(group).Configure(o => o.ConsumerGroup = group).Configure(configure).ValidateOnStart();
        services.AddSingleton<IHostedService>(sp => new ConsumerHostedService(
            sp.GetRequiredService<IOptionsMonitor<ConsumerOptions>>().Get(group),
            () => sp.GetService<THandler>() ?? ActivatorUtilities.CreateInstance<THandler>(sp),
            sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        return builder;
    }

    /// <summary>
    /// Adds a pull consumer of <paramref name="group"/>: resolve it with
    /// <c>GetRequiredKeyedService&lt;PullConsumer&gt;(group)</c> and read it with
    /// <see cref="PullConsumer.ConsumeAsync"/>; it is started when the host starts (subscribing to
    /// <see cref="PullConsumerOptions.Subscriptions"/>) and stopped, committing, when the host stops.
    /// <see cref="PullConsumerOptions.ConsumerGroup"/> defaults to <paramref name="group"/>.
    /// </summary>
    public static MqBuilder AddPullConsumer(this MqBuilder builder, string group, Action<PullConsumerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(configure);
        IServiceCollection services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PullConsumerOptions>, ClientOptionsValidator<PullConsumerOptions>>());
        services.AddOptions<PullConsumerOptions>(group).Configure(o => o.ConsumerGroup = group).Configure(configure).ValidateOnStart();
        services.AddKeyedSingleton(group, static (sp, key) => new PullConsumer(
            sp.GetRequiredService<IOptionsMonitor<PullConsumerOptions>>().Get((string)key!),
            sp.GetService<ILoggerFactory>(), sp.GetService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.AddSingleton<IHostedService>(sp => new PullConsumerHostedService(sp.GetRequiredKeyedService<PullConsumer>(group)));
        return builder;
    }

    private sealed class ClientOptionsValidator<T> : IValidateOptions<T>
        where T : ClientOptions
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(typeof(T).Name + " '" + name + "': " + ex.Message);
            }
        }
    }

    private sealed class ProducerHostedService(Producer producer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => producer.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => producer.DisposeAsync().AsTask();
    }

    private sealed class PullConsumerHostedService(PullConsumer consumer) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => consumer.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => consumer.DisposeAsync().AsTask();
    }

    private sealed class ConsumerHostedService(ConsumerOptions options, Func<IMessageHandler> handler, ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider, IMeterFactory? meterFactory) : IHostedService
    {
        private PushConsumer? _consumer;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _consumer = new PushConsumer(options, handler(), loggerFactory, timeProvider, meterFactory);
            await _consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _consumer is null ? Task.CompletedTask : _consumer.DisposeAsync().AsTask();
    }
}
