using Microsoft.Extensions.Hosting;

namespace Mq.Hosting;

/// <summary>
/// Ties one <see cref="NameServerHost"/> to the host's lifetime: start returns once the node listens (so
/// later hosted services, e.g. an embedded broker, can register with it); stop honours the host's shutdown token.
/// </summary>
internal sealed class NameServerHostedService(NameServerHost host) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
