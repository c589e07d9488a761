using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mq.Brokers;

namespace Mq.Hosting;

/// <summary>
/// One broker node in a DI container: created by <see cref="MqBuilderBrokerExtensions"/>, started and
/// stopped by the host. Resolve it (keyed by the node's name; the unnamed node also unkeyed) to read its
/// address ("brokerIP1:listenPort", as registered with the NameServers) after the host has started.
/// </summary>
public sealed class BrokerHost : NodeHost<Broker, BrokerOptions>
{
    internal BrokerHost(string name, IOptionsMonitor<BrokerOptions> options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
        : base(name, options, loggerFactory, timeProvider)
    {
    }

    /// <summary>The running node, or null before start and after stop.</summary>
    public Broker? Broker => Node;

    private protected override string Kind => "Broker";

    private protected override Task<Broker> StartNodeAsync(BrokerOptions options, CancellationToken cancellationToken) =>
        Broker.StartAsync(options, LoggerFactory, TimeProvider, cancellationToken);

    private protected override Task StopNodeAsync(Broker node, CancellationToken cancellationToken) => node.StopAsync(cancellationToken);

    private protected override string AddressOf(Broker node) => node.Address;

    private protected override IPEndPoint EndPointOf(Broker node) => node.EndPoint;
}
