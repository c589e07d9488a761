using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mq.Brokers;

namespace Mq.Hosting;

/// <summary>
/// One broker node in a DI container: created by <see cref="MqBuilderBrokerExtensions"/>, started and
/// stopped by the host. Resolve it (keyed by the node's name; the unnamed node also unkeyed) to read the bound
/// <see cref="Address"/> after the host has started.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly IOptionsMonitor<BrokerOptions> _options;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TimeProvider? _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Broker? _node;
    private int _disposed;

    internal BrokerHost(string name, IOptionsMonitor<BrokerOptions> options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        Name = name;
        _options = options;
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
    }

    /// <summary>The node's name (its options name and service key; empty for the unnamed node).</summary>
    public string Name { get; }

    /// <summary>The running node, or null before start and after stop.</summary>
    public Broker? Broker => _node;

    /// <summary>Whether the node is running.</summary>
    public bool IsRunning => _node is not null;

    /// <summary>"brokerIP1:listenPort", as registered with the NameServers.</summary>
    /// <exception cref="InvalidOperationException">The node is not running.</exception>
    public string Address => Running.Address;

    /// <summary>The bound end point.</summary>
    /// <exception cref="InvalidOperationException">The node is not running.</exception>
    public IPEndPoint EndPoint => Running.EndPoint;

    private Broker Running => _node
        ?? throw new InvalidOperationException($"Broker '{Name}' is not running; its address is known once the host has started.");

    /// <summary>Starts the node with the current named options; returns once it listens. No-op when running.</summary>
    /// <exception cref="OptionsValidationException">Invalid options.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_node is not null)
            {
                return;
            }
            BrokerOptions options = _options.Get(Name);
            _node = await Broker.StartAsync(options, _loggerFactory, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the node gracefully; <paramref name="cancellationToken"/> cuts the wait for in-flight requests short.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            Broker? node = _node;
            _node = null;
            if (node is not null)
            {
                await node.StopAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops the node if it is running.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _gate.Dispose();
    }
}
