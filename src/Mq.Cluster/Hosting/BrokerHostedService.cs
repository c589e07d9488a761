using Microsoft.Extensions.Hosting;

namespace Mq.Hosting;

/// <summary>
/// Ties one <see cref="BrokerHost"/> to the host's lifetime: start returns once the broker listens and has
/// registered with its NameServers (add NameServers first so they are up); stop unregisters and closes the store.
/// </summary>
internal sealed class BrokerHostedService(BrokerHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
