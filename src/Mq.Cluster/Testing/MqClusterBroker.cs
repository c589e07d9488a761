using Microsoft.Extensions.Logging;
using Mq.Brokers;

namespace Mq.Testing;

/// <summary>One broker group of an <see cref="MqCluster"/>: its master node, which can be stopped and restarted.</summary>
public sealed class MqClusterBroker
{
    private readonly BrokerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim _gate = new(1, 1);

    internal MqClusterBroker(string name, BrokerOptions options, ILoggerFactory loggerFactory)
    {
        Name = name;
        _options = options;
        _loggerFactory = loggerFactory;
    }

    /// <summary>The broker name (<c>broker-a</c>...).</summary>
    public string Name { get; }

    /// <summary>The running node, or null while stopped.</summary>
    public Broker? Node { get; private set; }

    /// <summary>"127.0.0.1:port" of the master (kept across restarts).</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The broker's options (port filled in after the first start).</summary>
    public BrokerOptions Options => _options;

    /// <summary>Whether the node is running.</summary>
    public bool IsRunning => Node is not null;

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Node is not null)
            {
                return;
            }
            Node = await Broker.StartAsync(_options, _loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
            // Keep the port: clients that cached the route find the broker again after a restart.
            _options.ListenPort = Node.EndPoint.Port;
            Address = Node.Address;
        }
        finally
        {
            _gate.Release();
        }
    }

    internal async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Node is { } node)
            {
                Node = null;
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
