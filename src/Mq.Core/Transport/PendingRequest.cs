using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// A request waiting for its response (Java <c>ResponseFuture</c>). Whoever removes it from the
/// connection's table (response, timeout scan, cancellation, close) completes it. Continuations run
/// synchronously, but never on a thread of ours that must not be held: a response completes in a
/// <see cref="ResponseBatch"/> work item, everything else through <see cref="FailLater"/> and
/// <see cref="CancelLater"/>, which complete on a pool thread.
/// </summary>
internal sealed class PendingRequest : TaskCompletionSource<RemotingCommand>, IThreadPoolWorkItem
{
    private Exception? _laterError;
    private CancellationToken _laterToken;

    public PendingRequest(RemotingConnection connection, int opaque, int code, TimeSpan timeout)
        : base(TaskCreationOptions.None)
    {
        Connection = connection;
        Opaque = opaque;
        Code = code;
        Timeout = timeout;
        // Timeout.InfiniteTimeSpan waits for the response or the connection's end, never the clock.
        Deadline = timeout == System.Threading.Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
    }

    public RemotingConnection Connection { get; }

    public int Opaque { get; }

    public int Code { get; }

    public TimeSpan Timeout { get; }

    /// <summary>When the request times out, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Deadline { get; }

    public CancellationTokenRegistration Registration { get; set; }

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
        if (_laterError is not null)
        {
            TrySetException(_laterError);
        }
        else
        {
            TrySetCanceled(_laterToken);
        }
    }
}
