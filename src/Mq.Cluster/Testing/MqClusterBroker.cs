using Microsoft.Extensions.Logging;
using Mq.Brokers;

namespace Mq.Testing;

/// <summary>
/// One broker node of an <see cref="MqCluster"/>: a group's master (with its <see cref="Slaves"/>) or one of
/// its slaves. It can be stopped (gracefully or abruptly) and restarted on its store and ports.
/// </summary>
public sealed class MqClusterBroker
{
    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<MqClusterBroker> _slaves = [];

    internal MqClusterBroker(string name, BrokerOptions options, ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The broker name (<c>broker-a</c>...), shared by the group's master and slaves.</summary>
    public string Name { get; }

    /// <summary>0 for the master, 1..N for slaves.</summary>
    public long BrokerId => _options.BrokerId;

    /// <summary>The group's slaves (empty on a slave itself, and when the cluster has none).</summary>
    public IReadOnlyList<MqClusterBroker> Slaves => _slaves;

    /// <summary>The running node, or null while stopped.</summary>
    public Broker? Node { get; private set; }

    /// <summary>"127.0.0.1:port" of this node (kept across restarts).</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The broker's options (ports filled in after the first start).</summary>
    public BrokerOptions Options => _options;

    /// <summary>Whether the node is running.</summary>
    public bool IsRunning => Node is not null;

    internal void AddSlave(MqClusterBroker slave) => _slaves.Add(slave);

    internal Task StartAsync(CancellationToken cancellationToken) => StartAsync(nameServerAddresses: null, cancellationToken);

    /// <summary>
    /// Starts the node; with <paramref name="nameServerAddresses"/>, before its NameServers are up (see
    /// <see cref="Broker.StartAwaitingNameServersAsync"/>), keeping their addresses in <see cref="Options"/> for restarts.
    /// </summary>
    internal async Task StartAsync(Task<string[]>? nameServerAddresses, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Node is not null)
            {
                return;
            }
            if (nameServerAddresses is null)
            {
                Node = await Broker.StartAsync(_options, _loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Node = await Broker.StartAwaitingNameServersAsync(_options, nameServerAddresses, _loggerFactory, cancellationToken).ConfigureAwait(false);
                _options.NamesrvAddr = [.. Node.Options.NamesrvAddr];
            }
            // Keep the ports: clients that cached the route, and slaves that know the HA address, find the
            // broker again after a restart.
            _options.ListenPort = Node.EndPoint.Port;
            if (_options.BrokerRole != Storage.BrokerRole.Slave)
            {
                _options.HaListenPort = int.Parse(Node.HaServerAddress.AsSpan(Node.HaServerAddress.LastIndexOf(':') + 1), System.Globalization.CultureInfo.InvariantCulture);
            }
            Address = Node.Address;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task StopAsync(bool abrupt = false, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Node is { } node)
            {
                Node = null;
                if (abrupt)
                {
                    await node.CrashAsync().ConfigureAwait(false);
                }
                else
                {
                    await node.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
