using System.Threading.Tasks.Sources;

namespace Mq.Storage.CommitLog;

/// <summary>A pooled completion for one durability wait (no Task per append).</summary>
internal sealed class FlushWaiter : IValueTaskSource<PutMessageStatus>
{
    private readonly FlushService _owner;
    private ManualResetValueTaskSourceCore<PutMessageStatus> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;

    public FlushWaiter(FlushService owner) => _owner = owner;

    public long Offset { get; private set; }

    public long DeadlineTicks { get; private set; }

    /// <summary>Set once the waiter left the pending list; guarded by the owner's lock.</summary>
    public bool Completed { get; set; }

    public short Version => _core.Version;

    public void Arm(long offset, long deadlineTicks)
    {
        Offset = offset;
        DeadlineTicks = deadlineTicks;
        Completed = false;
    }

    public void Register(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static s => ((FlushWaiter)s!)._owner.Cancel((FlushWaiter)s!), this);
        }
    }

    public void SetResult(PutMessageStatus status) => _core.SetResult(status);

    public void SetCanceled() => _core.SetException(new OperationCanceledException());

    public PutMessageStatus GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _registration.Dispose();
            _registration = default;
            _core.Reset();
            _owner.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
