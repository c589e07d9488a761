using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// What servers and clients share (Java <c>NettyRemotingAbstract</c>): the request-code -> handler
/// table, request dispatch and answering, the opaque counter, the timeout scan over pending requests,
/// connection bookkeeping and events, and the graceful drain used by shutdown.
/// </summary>
internal abstract partial class RemotingPeer : IAsyncDisposable
{
    private static readonly TimeSpan TimeoutScanInterval = TimeSpan.FromMilliseconds(20);

    private readonly object _handlersGate = new();
    private readonly ConcurrentDictionary<RemotingConnection, byte> _connections = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _timeoutScan;
    private volatile Dictionary<int, IRequestHandler> _handlers = [];
    private int _nextOpaque;
    private int _inFlight;
    private volatile bool _draining;

    protected RemotingPeer(TransportOptions options, ITransport? transport, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options.Snapshot();
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger(GetType());
        Transport = transport ?? new SocketTransport(Options, LoggerFactory);
        _timeoutScan = ScanTimeoutsAsync();
    }

    /// <summary>Raised when a connection opens (after it is registered, before its first frame is read).</summary>
    public event Action<RemotingConnection>? ConnectionOpened;

    /// <summary>Raised once when a connection has closed (its pending requests have failed).</summary>
    public event Action<RemotingConnection>? ConnectionClosed;

    internal TransportOptions Options { get; }

    internal ILogger Logger { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal ITransport Transport { get; }

    internal Utf8StringCache StringCache { get; } = new();

    /// <summary>Live connections.</summary>
    public ICollection<RemotingConnection> Connections => _connections.Keys;

    /// <summary>Requests whose handlers have not completed yet.</summary>
    internal int InFlightRequests => Volatile.Read(ref _inFlight);

    /// <summary>Requests this peer sent that wait for a response, over every connection (the pending tables).</summary>
    internal int PendingRequests
    {
        get
        {
            int count = 0;
            foreach (RemotingConnection connection in _connections.Keys)
            {
                count += connection.PendingCount;
            }
            return count;
        }
    }

    /// <summary>Whether the timeout scan also closes connections idle for <see cref="TransportOptions.ChannelMaxIdleTime"/> (servers).</summary>
    protected virtual bool ClosesIdleConnections => false;

    /// <summary>Serves <paramref name="requestCode"/> with <paramref name="handler"/> (replacing any previous one).</summary>
    public void RegisterHandler(int requestCode, IRequestHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_handlersGate)
        {
            // Copy-on-write: the receive loops read the table without locking.
            var next = new Dictionary<int, IRequestHandler>(_handlers) { [requestCode] = handler };
            _handlers = next;
        }
    }

    /// <summary>Serves <paramref name="requestCode"/> with a delegate.</summary>
    public void RegisterHandler(int requestCode, Func<RemotingConnection, RemotingCommand, CancellationToken, ValueTask<RemotingCommand?>> handler) =>
        RegisterHandler(requestCode, new DelegateHandler(handler));

    /// <summary>Checked before every request is handled (ACL); null admits everything.</summary>
    internal IRequestGuard? RequestGuard { get; set; }

    /// <summary>The next opaque (per peer; Java uses one process-wide counter, uniqueness per connection is what matters).</summary>
    internal int NextOpaque() => Interlocked.Increment(ref _nextOpaque);

    /// <summary>Stops, answering in-flight requests first (see the server's and client's own docs).</summary>
    public abstract ValueTask DisposeAsync();

    internal void OnRequest(RemotingConnection connection, RemotingCommand request)
    {
        if (RequestGuard is { } guard && !Admit(guard, connection, request))
        {
            return;
        }
        if (!_handlers.TryGetValue(request.Code, out IRequestHandler? handler))
        {
            Logger.RequestCodeNotSupported(request.Code, connection.RemoteAddress);
            AnswerAndDrop(connection, request, ResponseCode.RequestCodeNotSupported,
                " request type " + request.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " not supported");
            return;
        }
        Interlocked.Increment(ref _inFlight);
        if (Options.InlineHandlers)
        {
            Execute(connection, handler, request);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(new HandlerWorkItem(this, connection, handler, request), preferLocal: false);
        }
    }

    private bool Admit(IRequestGuard guard, RemotingConnection connection, RemotingCommand request)
    {
        string? refusal;
        try
        {
            refusal = guard.Refuse(connection, request);
        }
        catch (Exception ex)
        {
            // A guard that cannot decide (a header it cannot read) refuses: Java answers its hook's exception the same way.
            refusal = ex.Message;
        }
        if (refusal is null)
        {
            return true;
        }
        Logger.RequestRefused(request.Code, connection.RemoteAddress, refusal);
        AnswerAndDrop(connection, request, ResponseCode.SystemError, refusal);
        return false;
    }

    /// <summary>Answers a request no handler will see (nothing for a oneway one) and releases it.</summary>
    private static void AnswerAndDrop(RemotingConnection connection, RemotingCommand request, int code, string remark)
    {
        if (!request.IsOneway)
        {
            connection.TrySend(RemotingCommand.CreateResponse(request, code, remark));
        }
        request.Dispose();
    }

    private void Execute(RemotingConnection connection, IRequestHandler handler, RemotingCommand request)
    {
        ValueTask<RemotingCommand?> task;
        try
        {
            task = handler.HandleAsync(connection, request, connection.Closed);
        }
        catch (Exception ex)
        {
            Complete(connection, request, null, ex);
            return;
        }
        if (task.IsCompletedSuccessfully)
        {
            Complete(connection, request, task.Result, null);
            return;
        }
        _ = AwaitHandlerAsync(connection, request, task);
    }

    private async Task AwaitHandlerAsync(RemotingConnection connection, RemotingCommand request, ValueTask<RemotingCommand?> task)
    {
        RemotingCommand? response = null;
        Exception? error = null;
        try
        {
            response = await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }
        Complete(connection, request, response, error);
    }

    private void Complete(RemotingConnection connection, RemotingCommand request, RemotingCommand? response, Exception? error)
    {
        try
        {
            if (error is not null)
            {
                Logger.HandlerFailed(error, request.Code, connection.RemoteAddress);
                response?.Dispose();
                response = RemotingCommand.CreateResponse(request, ResponseCode.SystemError, error.Message);
            }
            if (response is not null)
            {
                if (request.IsOneway)
                {
                    response.Dispose();
                }
                else
                {
                    response.Opaque = request.Opaque;
                    response.MarkResponse();
                    response.SerializeType = request.SerializeType;
                    connection.TrySend(response);
                }
            }
        }
        finally
        {
            request.Dispose();
            if (Interlocked.Decrement(ref _inFlight) == 0 && _draining)
            {
                _drained.TrySetResult();
            }
        }
    }

    internal void OnConnectionOpened(RemotingConnection connection)
    {
        _connections.TryAdd(connection, 0);
        Logger.ConnectionOpened(connection.Id, connection.RemoteAddress);
        Raise(ConnectionOpened, connection);
    }

    internal virtual void OnConnectionClosed(RemotingConnection connection)
    {
        if (_connections.TryRemove(connection, out _))
        {
            Logger.ConnectionClosed(connection.Id, connection.RemoteAddress);
            Raise(ConnectionClosed, connection);
        }
    }

    /// <summary>
    /// Graceful end: stop reading new requests, wait (up to the shutdown timeout) for in-flight
    /// handlers to answer, then close every connection after its queued frames are sent.
    /// </summary>
    protected async Task DrainAndCloseAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        foreach (RemotingConnection connection in _connections.Keys)
        {
            connection.StopReceiving();
        }
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _drained.TrySetResult();
        }
        try
        {
            await _drained.Task.WaitAsync(Options.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Logger.DrainTimedOut(Volatile.Read(ref _inFlight));
        }
        catch (OperationCanceledException)
        {
            Logger.DrainTimedOut(Volatile.Read(ref _inFlight));
        }
        await CloseAllAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _timeoutScan.ConfigureAwait(false);
    }

    protected async Task CloseAllAsync()
    {
        var closing = new List<Task>();
        foreach (RemotingConnection connection in _connections.Keys)
        {
            closing.Add(connection.CloseAsync());
        }
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    private async Task ScanTimeoutsAsync()
    {
        using var timer = new PeriodicTimer(TimeoutScanInterval);
        long idleMillis = (long)Options.ChannelMaxIdleTime.TotalMilliseconds;
        // Idleness needs no 20 ms precision: look a few times per idle period, at most once a second.
        long idleScanMillis = Math.Clamp(idleMillis / 4, (long)TimeoutScanInterval.TotalMilliseconds, 1000);
        long nextIdleScan = Environment.TickCount64 + idleScanMillis;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                long now = Environment.TickCount64;
                bool idleScan = idleMillis > 0 && now >= nextIdleScan && ClosesIdleConnections;
                if (idleScan)
                {
                    nextIdleScan = now + idleScanMillis;
                }
                foreach (RemotingConnection connection in _connections.Keys)
                {
                    connection.ScanTimeouts(now);
                    if (idleScan)
                    {
                        connection.CloseIfIdle(now, idleMillis);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private void Raise(Action<RemotingConnection>? handler, RemotingConnection connection)
    {
        if (handler is null)
        {
            return;
        }
        try
        {
            handler(connection);
        }
        catch (Exception ex)
        {
            Logger.EventHandlerFailed(ex);
        }
    }

    private sealed class DelegateHandler(Func<RemotingConnection, RemotingCommand, CancellationToken, ValueTask<RemotingCommand?>> handler) : IRequestHandler
    {
        public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken) =>
            handler(connection, request, cancellationToken);
    }

    private sealed class HandlerWorkItem(RemotingPeer peer, RemotingConnection connection, IRequestHandler handler, RemotingCommand request) : IThreadPoolWorkItem
    {
        public void Execute() => peer.Execute(connection, handler, request);
    }
}
