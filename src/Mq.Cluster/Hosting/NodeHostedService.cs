using Microsoft.Extensions.Hosting;

namespace Mq.Hosting;

/// <summary>
/// Ties one node host to the host's lifetime: start returns once the node serves (a NameServer listens, a
/// broker has also registered with its NameServers, so add NameServers first); stop honours the host's
/// shutdown token (a broker unregisters and closes its store).
/// </summary>
internal sealed class NodeHostedService<TNode, TOptions>(NodeHost<TNode, TOptions> host) : IHostedService
    where TNode : class
    where TOptions : class
{
    public Task StartAsync(CancellationToken cancellationToken) => host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => host.StopAsync(cancellationToken);
}
