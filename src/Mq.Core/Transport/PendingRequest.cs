using System.Threading.Tasks.Sources;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// A request waiting for its response (Java <c>ResponseFuture</c>), awaited as a
/// <see cref="ValueTask{TResult}"/> and reused by its connection once the awaiter has the result, so a
/// request allocates no task and no completion source. Whoever removes it from the connection's table
/// (response, timeout scan, cancellation, close) completes it. Continuations run synchronously, but never
/// on a thread of ours that must not be held: a response completes in a <see cref="ResponseBatch"/> work
/// item, everything else through <see cref="FailLater"/> and <see cref="CancelLater"/>, which complete on a
/// pool thread.
/// </summary>
internal sealed class PendingRequest : IValueTaskSource<RemotingCommand>, IThreadPoolWorkItem
{
    private ManualResetValueTaskSourceCore<RemotingCommand> _core;
    private int _completed;
    private Exception? _laterError;
    private CancellationToken _laterToken;

    public PendingRequest(RemotingConnection connection) => Connection = connection;

    public RemotingConnection Connection { get; }

    public int Opaque { get; private set; }

    public int Code { get; private set; }

    public TimeSpan Timeout { get; private set; }

    /// <summary>When the request times out, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Deadline { get; private set; }

    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>The awaitable for this use of the request.</summary>
    public ValueTask<RemotingCommand> Task => new(this, _core.Version);

    /// <summary>Prepares a new or returned request for one more use.</summary>
    public void Start(int opaque, int code, TimeSpan timeout)
    {
        Opaque = opaque;
        Code = code;
        Timeout = timeout;
        // Timeout.InfiniteTimeSpan waits for the response or the connection's end, never the clock.
        Deadline = timeout == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
    }

    public bool TrySetResult(RemotingCommand response)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        _core.SetResult(response);
        return true;
    }

    private void SetException(Exception error)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _core.SetException(error);
        }
    }

    /// <summary>
    /// Fails the request on a pool thread: the caller (the timeout scan, the writer, a closing receive loop)
    /// must not run the awaiting code. Only the one who removed the request from the table calls this; the
    /// caller's cancellation no longer applies.
    /// </summary>
    public void FailLater(Exception error)
    {
        Registration.Unregister();
        _laterError = error;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Cancels the request on a pool thread (not inside the caller's <c>Cancel()</c>).</summary>
    public void CancelLater(CancellationToken token)
    {
        _laterToken = token;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        Exception? error = _laterError;
        _laterError = null;
        SetException(error ?? new OperationCanceledException(_laterToken));
    }

    RemotingCommand IValueTaskSource<RemotingCommand>.GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            return _core.GetResult(token); // throws: a stale or second await, or a result read before completion
        }
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // A cancellation callback still running would find this object in the table again once it is reused
            // (it removes by reference) and cancel the next request: Dispose waits for it to finish.
            Registration.Dispose();
            Registration = default;
            _laterToken = default;
            _core.Reset();
            Volatile.Write(ref _completed, 0);
            Connection.ReturnPending(this);
        }
    }

    ValueTaskSourceStatus IValueTaskSource<RemotingCommand>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<RemotingCommand>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
