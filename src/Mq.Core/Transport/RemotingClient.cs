using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// The client side (Java <c>NettyRemotingClient</c>): one connection per "host:port", opened on first
/// use and reopened on the next use after it failed or closed. Handlers registered here serve the
/// requests a server sends back on the same connection (NOTIFY_CONSUMER_IDS_CHANGED, ...).
/// </summary>
internal sealed class RemotingClient : RemotingPeer
{
    private readonly ConcurrentDictionary<string, Task<RemotingConnection>> _pool = new(StringComparer.Ordinal);
    private int _disposed;

    public RemotingClient(TransportOptions options, ITransport? transport = null, ILoggerFactory? loggerFactory = null)
        : base(options, transport, loggerFactory)
    {
    }

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="address"/> and waits for the response (the
    /// caller disposes it). Connection failures throw <see cref="RemotingConnectException"/>.
    /// </summary>
    public Task<RemotingCommand> InvokeAsync(string address, RemotingCommand request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InvokeValueAsync(address, request, timeout, cancellationToken).AsTask();

    /// <summary>
    /// <see cref="InvokeAsync"/> for hot paths that await the response exactly once: nothing is allocated
    /// per request once the connection is open (see <see cref="RemotingConnection.InvokeValueAsync"/>).
    /// </summary>
    public ValueTask<RemotingCommand> InvokeValueAsync(string address, RemotingCommand request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        BeforeRequest?.Invoke(request);
        if (TryGetConnected(address, out RemotingConnection? connection))
        {
            return connection.InvokeValueAsync(request, timeout, cancellationToken);
        }
        return new ValueTask<RemotingCommand>(ConnectThenInvokeAsync(address, request, timeout, cancellationToken));
    }

    /// <summary>Sends a oneway request to <paramref name="address"/>.</summary>
    public ValueTask InvokeOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken = default)
    {
        BeforeRequest?.Invoke(request);
        if (TryGetConnected(address, out RemotingConnection? connection))
        {
            return connection.InvokeOnewayAsync(request, cancellationToken);
        }
        return ConnectThenOnewayAsync(address, request, cancellationToken);
    }

    /// <summary>Runs on every request this client sends, just before it goes out (ACL signing; Java's RPCHook.doBeforeRequest).</summary>
    internal Action<RemotingCommand>? BeforeRequest { get; set; }

    /// <summary>The open connection to <paramref name="address"/>, connecting when needed.</summary>
    public ValueTask<RemotingConnection> GetConnectionAsync(string address, CancellationToken cancellationToken = default) =>
        GetConnectionAsync(address, logFailure: true, cancellationToken);

    /// <summary>
    /// Opens the connection to <paramref name="address"/> ahead of its first request; false when it could
    /// not be opened (not logged: the first request connects again and reports the failure).
    /// </summary>
    public async Task<bool> TryConnectAsync(string address, CancellationToken cancellationToken = default)
    {
        try
        {
            await GetConnectionAsync(address, logFailure: false, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is RemotingConnectException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async ValueTask<RemotingConnection> GetConnectionAsync(string address, bool logFailure, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            if (_pool.TryGetValue(address, out Task<RemotingConnection>? existing))
            {
                if (!existing.IsCompleted)
                {
                    try
                    {
                        return await existing.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && existing.IsCanceled)
                    {
                        // The caller opening the connection gave up (its own token); that is no reason for this
                        // one to fail: it opens the connection itself.
                        continue;
                    }
                }
                if (existing.IsCompletedSuccessfully && existing.Result.IsConnected)
                {
                    return existing.Result;
                }
                _pool.TryRemove(new KeyValuePair<string, Task<RemotingConnection>>(address, existing));
                continue;
            }
            var opening = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_pool.TryAdd(address, opening.Task))
            {
                continue;
            }
            try
            {
                RemotingConnection connection = await ConnectAsync(address, cancellationToken).ConfigureAwait(false);
                opening.SetResult(connection);
                return connection;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _pool.TryRemove(new KeyValuePair<string, Task<RemotingConnection>>(address, opening.Task));
                opening.SetCanceled(cancellationToken);
                throw;
            }
            catch (Exception ex)
            {
                _pool.TryRemove(new KeyValuePair<string, Task<RemotingConnection>>(address, opening.Task));
                RemotingConnectException error = ex as RemotingConnectException
                    ?? new RemotingConnectException("connect to " + address + " failed: " + ex.Message, address, ex);
                if (logFailure)
                {
                    Logger.ConnectFailed(ex, address);
                }
                opening.SetException(error);
                _ = opening.Task.Exception; // observed: other waiters get it from WaitAsync
                throw error;
            }
        }
    }

    /// <summary>Closes the connection to <paramref name="address"/>, if any; the next use reconnects.</summary>
    public async Task CloseConnectionAsync(string address, CancellationToken cancellationToken = default)
    {
        if (_pool.TryRemove(address, out Task<RemotingConnection>? existing) && existing.IsCompletedSuccessfully)
        {
            await existing.Result.CloseAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Closes every connection (after answering in-flight server-to-client requests).</summary>
    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await DrainAndCloseAsync(CancellationToken.None).ConfigureAwait(false);
        _pool.Clear();
    }

    internal override void OnConnectionClosed(RemotingConnection connection)
    {
        if (connection.PoolKey is { } key && _pool.TryGetValue(key, out Task<RemotingConnection>? entry)
            && entry.IsCompletedSuccessfully && ReferenceEquals(entry.Result, connection))
        {
            _pool.TryRemove(new KeyValuePair<string, Task<RemotingConnection>>(key, entry));
        }
        base.OnConnectionClosed(connection);
    }

    private bool TryGetConnected(string address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RemotingConnection? connection)
    {
        if (_pool.TryGetValue(address, out Task<RemotingConnection>? entry) && entry.IsCompletedSuccessfully && entry.Result.IsConnected)
        {
            connection = entry.Result;
            return true;
        }
        connection = null;
        return false;
    }

    private async Task<RemotingConnection> ConnectAsync(string address, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ConnectTimeout);
        ITransportConnection transport;
        try
        {
            var endPoint = await RemotingAddress.ResolveAsync(address, timeout.Token).ConfigureAwait(false);
            transport = await Transport.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemotingConnectException("connect to " + address + " timed out after " + ((long)Options.ConnectTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms", address, ex);
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new RemotingConnectException("connect to " + address + " failed: " + ex.Message, address, ex);
        }
        var connection = new RemotingConnection(this, transport) { PoolKey = address };
        OnConnectionOpened(connection);
        connection.Start();
        return connection;
    }

    private async Task<RemotingCommand> ConnectThenInvokeAsync(string address, RemotingCommand request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        RemotingConnection connection;
        try
        {
            connection = await GetConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            request.Dispose();
            throw;
        }
        return await connection.InvokeValueAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask ConnectThenOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken)
    {
        RemotingConnection connection;
        try
        {
            connection = await GetConnectionAsync(address, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            request.Dispose();
            throw;
        }
        await connection.InvokeOnewayAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
