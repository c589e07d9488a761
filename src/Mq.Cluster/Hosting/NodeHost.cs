using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mq.Hosting;

/// <summary>
/// One node (NameServer or broker) in a DI container: started and stopped by the host, resolvable (keyed by
/// the node's name; the unnamed node also unkeyed) to read the bound <see cref="Address"/> after start.
/// Start and stop are serialised, so a concurrent stop never races a start.
/// </summary>
/// <typeparam name="TNode">The running node type.</typeparam>
/// <typeparam name="TOptions">The node's options type (named options, validated at start).</typeparam>
public abstract class NodeHost<TNode, TOptions> : IAsyncDisposable
    where TNode : class
    where TOptions : class
{
    private readonly IOptionsMonitor<TOptions> _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile TNode? _node;
    private int _disposed;

    private protected NodeHost(string name, IOptionsMonitor<TOptions> options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider)
    {
        Name = name;
        _options = options;
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
    }

    /// <summary>The node's name (its options name and service key; empty for the unnamed node).</summary>
    public string Name { get; }

    /// <summary>Whether the node is running.</summary>
    public bool IsRunning => _node is not null;

    /// <summary>The node's address ("ip:port") to give to its peers.</summary>
    /// <exception cref="InvalidOperationException">The node is not running.</exception>
    public string Address => AddressOf(Running);

    /// <summary>The bound end point.</summary>
    /// <exception cref="InvalidOperationException">The node is not running.</exception>
    public IPEndPoint EndPoint => EndPointOf(Running);

    /// <summary>The running node, or null before start and after stop.</summary>
    private protected TNode? Node => _node;

    private protected ILoggerFactory? LoggerFactory { get; }

    private protected TimeProvider? TimeProvider { get; }

    /// <summary>What the node is called in error messages ("Broker", "NameServer").</summary>
    private protected abstract string Kind { get; }

    private TNode Running => _node
        ?? throw new InvalidOperationException($"{Kind} '{Name}' is not running; its address is known once the host has started.");

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
            _node = await StartNodeAsync(_options.Get(Name), cancellationToken).ConfigureAwait(false);
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
            TNode? node = _node;
            _node = null;
            if (node is not null)
            {
                await StopNodeAsync(node, cancellationToken).ConfigureAwait(false);
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
        GC.SuppressFinalize(this);
    }

    private protected abstract Task<TNode> StartNodeAsync(TOptions options, CancellationToken cancellationToken);

    private protected abstract Task StopNodeAsync(TNode node, CancellationToken cancellationToken);

    private protected abstract string AddressOf(TNode node);

    private protected abstract IPEndPoint EndPointOf(TNode node);
}
