using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// One remoting connection, on either side: frames in, frames out, requests both ways (Java
/// <c>NettyRemotingAbstract</c> per channel). A server keeps it to call the client back
/// (<see cref="InvokeAsync"/>, <see cref="InvokeOnewayAsync"/>); handlers receive it with each request.
/// The receive loop routes by the response bit: responses complete this connection's pending table,
/// requests go to the peer's handlers. Writes from any thread are combined: whoever finds the writer
/// free writes everything queued and flushes once; on a connection with many answers awaited, a pool
/// thread does it for the sender (<see cref="BusyInFlight"/>).
/// </summary>
internal sealed partial class RemotingConnection : IThreadPoolWorkItem
{
    /// <summary>
    /// Answers awaited on a connection above which a new request is written by a pool thread rather than by its
    /// sender (see <see cref="TrySend"/>): below it a few concurrent senders already share writes through the
    /// writer flag, and a lone sender keeps its inline write (no hop on the one-in-flight path).
    /// </summary>
    internal const int BusyInFlight = 8;

    private readonly RemotingPeer _peer;
    private readonly ITransportConnection _transport;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly PendingTable _pending = new();
    // Enough for the requests a producer keeps in flight on one connection in a closed loop (50 senders).
    private readonly PendingRequest?[] _sparePending = new PendingRequest?[64];
    private readonly ConcurrentQueue<RemotingCommand> _sendQueue = new();
    private readonly CancellationTokenSource _closedSource = new();
    private readonly TaskCompletionSource _closedTask = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _maxFrameLength;
    private int _writing;
    private int _drainQueued;
    private volatile bool _closing;
    private volatile bool _outputCompleted;
    private volatile bool _stopReceiving;
    private int _closeStarted;
    private volatile int _batchingThread;
    private readonly int _assembleThreshold;
    private byte[]? _partialFrame;
    private int _partialTotal;
    private int _partialFilled;
    private readonly bool _pauseReadsWhenWriteBlocked;
    private readonly long _writeHighWater;
    private long _queuedBytes;
    private volatile bool _flushPending;
    private TaskCompletionSource? _writableWaiter;
    private long _lastActivity = Environment.TickCount64;
    private ResponseBatch? _responses;
    // Under load several batches run at once (one per read while the previous ones still complete): a few spares.
    private readonly ResponseBatch?[] _spareResponses = new ResponseBatch?[4];
    private readonly List<ResponseBatch> _runningBatches = [];

    /// <param name="peer">The owning server or client.</param>
    /// <param name="transport">The byte stream.</param>
    /// <param name="pauseReadsWhenWriteBlocked">
    /// Stop reading requests while answers are not leaving (servers: back-pressure against peers that do
    /// not read). Clients keep reading, since reading is what completes their requests.
    /// </param>
    internal RemotingConnection(RemotingPeer peer, ITransportConnection transport, bool pauseReadsWhenWriteBlocked = false)
    {
        _pauseReadsWhenWriteBlocked = pauseReadsWhenWriteBlocked;
        _writeHighWater = peer.Options.MaxWriteBufferSize;
        _peer = peer;
        _transport = transport;
        _input = transport.Transport.Input;
        _output = transport.Transport.Output;
        _maxFrameLength = peer.Options.MaxFrameLength;
        _assembleThreshold = (int)Math.Min(int.MaxValue, peer.Options.MaxReadBufferSize / 2);
        RemoteEndPoint = RemotingAddress.Normalize(transport.RemoteEndPoint);
        LocalEndPoint = transport.LocalEndPoint;
        RemoteAddress = RemotingAddress.Format(RemoteEndPoint);
    }

    /// <summary>The transport's id, for logs.</summary>
    public string Id => _transport.Id;

    /// <summary>The peer's address as "ip:port" (IPv4-mapped addresses shown as IPv4).</summary>
    public string RemoteAddress { get; }

    /// <summary>The peer's end point (normalised to IPv4 when mapped).</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Our end point.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>False once the connection is closing or closed.</summary>
    public bool IsConnected => !_closing;

    /// <summary>Cancelled when the connection closes.</summary>
    public CancellationToken Closed => _closedSource.Token;

    /// <summary>Completes when the connection has closed and its pending requests have failed.</summary>
    public Task Completion => _closedTask.Task;

    /// <summary>The client pool's key for this connection, when it belongs to a client.</summary>
    internal string? PoolKey { get; init; }

    /// <summary>Number of requests waiting for a response.</summary>
    internal int PendingCount => _pending.Count;

    /// <summary>Estimated bytes of frames queued and not yet handed to the transport.</summary>
    internal long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>Whether a flush is waiting for the socket (the output pipe is full).</summary>
    internal bool FlushPending => _flushPending;

    /// <summary>True while answers are not leaving fast enough: a server connection then reads no more requests.</summary>
    private bool IsWriteBlocked => _flushPending || Volatile.Read(ref _queuedBytes) > _writeHighWater;

    /// <summary>Below the low water mark (half the high one) with the socket taking data again, or closing.</summary>
    private bool CanResumeReading => _closing || (!_flushPending && Volatile.Read(ref _queuedBytes) <= _writeHighWater / 2);

    internal void Start() => _ = ReceiveLoopAsync();

    /// <summary>
    /// Sends <paramref name="request"/> and waits for its response (the caller owns and disposes the
    /// response). The request is owned by the transport from here on. <paramref name="timeout"/>: null
    /// for <see cref="TransportOptions.RequestTimeout"/>, <see cref="Timeout.InfiniteTimeSpan"/> for none
    /// (long polling callers pass their own, e.g. suspend time + margin). Fails with
    /// <see cref="RemotingTimeoutException"/>, <see cref="RemotingSendException"/> or
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public Task<RemotingCommand> InvokeAsync(RemotingCommand request, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        InvokeValueAsync(request, timeout, cancellationToken).AsTask();

    /// <summary>
    /// <see cref="InvokeAsync"/> for hot paths that await the response exactly once (a producer's send):
    /// the wait allocates nothing, its state is reused by the next request.
    /// </summary>
    public ValueTask<RemotingCommand> InvokeValueAsync(RemotingCommand request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            request.Dispose();
            return ValueTask.FromCanceled<RemotingCommand>(cancellationToken);
        }
        int opaque = _peer.NextOpaque();
        request.Opaque = opaque;
        request.Flag &= ~(RemotingCommand.ResponseFlag | RemotingCommand.OnewayFlag);
        PendingRequest pending = RentPending();
        pending.Start(opaque, request.Code, timeout ?? _peer.Options.RequestTimeout);
        ValueTask<RemotingCommand> response = pending.Task;
        _pending.Add(pending);
        if (cancellationToken.CanBeCanceled)
        {
            pending.Registration = cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).Connection.CancelPending((PendingRequest)state!, token), pending);
        }
        if (!TrySend(request))
        {
            Fail(pending, new RemotingSendException("connection to " + RemoteAddress + " is closed", RemoteAddress));
        }
        return response;
    }

    private PendingRequest RentPending() => SpareSlots.TryTake(_sparePending) ?? new PendingRequest(this);

    /// <summary>A request whose awaiter has its result comes back for the next one (a few are kept).</summary>
    internal void ReturnPending(PendingRequest pending) => SpareSlots.Return(_sparePending, pending);

    /// <summary>
    /// Sends a oneway request (flag bit 1): nothing comes back. Completes once the request is queued
    /// for writing; fails with <see cref="RemotingSendException"/> when the connection is closed.
    /// </summary>
    public ValueTask InvokeOnewayAsync(RemotingCommand request, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            request.Dispose();
            return ValueTask.FromCanceled(cancellationToken);
        }
        request.Opaque = _peer.NextOpaque();
        request.Flag = (request.Flag & ~RemotingCommand.ResponseFlag) | RemotingCommand.OnewayFlag;
        return TrySend(request)
            ? ValueTask.CompletedTask
            : ValueTask.FromException(new RemotingSendException("connection to " + RemoteAddress + " is closed", RemoteAddress));
    }

    /// <summary>Captures what is needed to answer <paramref name="request"/> later.</summary>
    public DeferredReply Defer(RemotingCommand request) => new(this, request);

    /// <summary>
    /// Queues a frame for writing (taking ownership of <paramref name="command"/>). False when the
    /// connection is closing; the command is then disposed.
    /// </summary>
    internal bool TrySend(RemotingCommand command)
    {
        if (_closing)
        {
            command.Dispose();
            return false;
        }
        Interlocked.Add(ref _queuedBytes, QueueWeight(command));
        _sendQueue.Enqueue(command);
        if (_batchingThread == Environment.CurrentManagedThreadId || ResponseBatch.MayDefer(this))
        {
            return true; // the receive loop or the response batch running here flushes when it is done
        }
        if (!command.IsResponse && _pending.Count > BusyInFlight)
        {
            // Many answers are awaited already, so this request waits behind them anyway: a pool thread writes it
            // together with whatever else is sent meanwhile (Netty's hop to the channel's event loop), instead of
            // one socket write per request from each sending thread. With few in flight the caller writes at once.
            if (Volatile.Read(ref _writing) == 0 && Interlocked.Exchange(ref _drainQueued, 1) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
            return true;
        }
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            Drain();
        }
        else if (_outputCompleted)
        {
            DiscardQueue();
        }
        return true;
    }

    /// <summary>
    /// The queued write of a busy connection (see <see cref="TrySend"/>). Should the pool be starved, the
    /// peer's 20 ms scan writes what is queued instead (<see cref="FlushQueued"/>).
    /// </summary>
    void IThreadPoolWorkItem.Execute()
    {
        Volatile.Write(ref _drainQueued, 0);
        FlushQueued();
    }

    /// <summary>Stops dispatching new frames (graceful shutdown); the connection stays open.</summary>
    internal void StopReceiving()
    {
        _stopReceiving = true;
        _input.CancelPendingRead();
    }

    /// <summary>
    /// Sends what is queued, then closes; pending requests fail. The token only stops the wait: the
    /// close itself always completes.
    /// </summary>
    public Task CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closeStarted, 1) == 0)
        {
            _ = CloseCoreAsync();
        }
        return cancellationToken.CanBeCanceled ? _closedTask.Task.WaitAsync(cancellationToken) : _closedTask.Task;
    }

    /// <summary>Closes at once (bad frame), without waiting for queued frames.</summary>
    internal void Abort()
    {
        _transport.Abort();
        _ = CloseAsync();
    }

    /// <summary>Closes the connection when nothing was read or written for <paramref name="idleMillis"/>; called by the server's scan.</summary>
    internal void CloseIfIdle(long now, long idleMillis)
    {
        long idle = now - Volatile.Read(ref _lastActivity);
        if (idle >= idleMillis && !_closing)
        {
            _peer.Logger.IdleClosed(Id, RemoteAddress, idle);
            Abort(); // as Java's closeChannel: what is still queued for an idle peer is dropped
        }
    }

    /// <summary>Fails requests whose deadline has passed; called by the peer's timeout scan.</summary>
    internal void ScanTimeouts(long now)
    {
        // A response batch whose continuation blocks: another thread takes the rest, and what the batch deferred
        // before it blocked goes out (see ResponseBatch).
        RescueStalledBatches();
        FlushQueued();
        List<PendingRequest>? expired = _pending.RemoveExpired(now);
        if (expired is null)
        {
            return;
        }
        foreach (PendingRequest pending in expired)
        {
            _peer.Logger.RequestTimedOut(pending.Code, pending.Opaque, RemoteAddress);
            pending.FailLater(new RemotingTimeoutException(
                "wait response on the channel <" + RemoteAddress + "> timeout, " + ((long)pending.Timeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "(ms)",
                RemoteAddress,
                pending.Timeout));
        }
    }

    private void CancelPending(PendingRequest pending, CancellationToken token)
    {
        if (_pending.TryRemove(pending))
        {
            pending.CancelLater(token);
        }
    }

    private void Fail(PendingRequest pending, Exception error)
    {
        if (_pending.TryRemove(pending))
        {
            pending.FailLater(error);
        }
    }

    private void FailOpaque(int opaque, Exception error)
    {
        if (_pending.TryRemove(opaque, out PendingRequest? pending))
        {
            pending.FailLater(error);
        }
    }
}
