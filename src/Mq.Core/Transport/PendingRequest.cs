using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// A request waiting for its response (Java <c>ResponseFuture</c>). Whoever removes it from the
/// connection's table (response, timeout scan, cancellation, close) completes it; continuations
/// run asynchronously so no user code runs on the receive loop.
/// </summary>
internal sealed class PendingRequest : TaskCompletionSource<RemotingCommand>
{
    public PendingRequest(RemotingConnection connection, int opaque, int code, TimeSpan timeout)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
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
}
