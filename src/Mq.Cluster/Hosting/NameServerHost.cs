using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mq.NameServers;

namespace Mq.Hosting;

/// <summary>
/// One NameServer node in a DI container: created by <see cref="MqBuilderNameServerExtensions"/>, started and
/// stopped by the host. Resolve it (keyed by the node's name; the unnamed node also unkeyed) to read the bound
/// address after the host has started.
/// </summary>
public sealed class NameServerHost : NodeHost<NameServer, NameServerOptions>
{
    internal NameServerHost(string name, IOptionsMonitor<NameServerOptions> options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
        : base(name, options, loggerFactory, timeProvider)
    {
    }

    /// <summary>The running node, or null before start and after stop.</summary>
    public NameServer? NameServer => Node;

    private protected override string Kind => "NameServer";

    private protected override Task<NameServer> StartNodeAsync(NameServerOptions options, CancellationToken cancellationToken) =>
        NameServer.StartAsync(options, LoggerFactory, TimeProvider, cancellationToken);

    private protected override Task StopNodeAsync(NameServer node, CancellationToken cancellationToken) => node.StopAsync(cancellationToken);

    private protected override string AddressOf(NameServer node) => node.Address;

    private protected override IPEndPoint EndPointOf(NameServer node) => node.EndPoint;
}
