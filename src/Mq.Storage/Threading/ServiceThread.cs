namespace Mq.Storage.Threading;

/// <summary>
/// A background job that blocks (flushes, syncs) and so gets a thread of its own, as RocketMQ's
/// <c>ServiceThread</c>s have: woken by <see cref="Wake"/> (a timer, a request), it runs the work once per
/// wake-up. On the thread pool the same work held a pool thread for milliseconds at a time, and on a
/// two-core machine socket continuations and handlers waited behind it. The work handles its own errors.
/// </summary>
internal sealed class ServiceThread
{
    private readonly ThreadSignal _signal = new();
    private readonly Action _work;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    public ServiceThread(string name, Action work)
    {
        _work = work;
        new Thread(Run) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>Runs the work once more, soon (wake-ups while it runs fold into one further run).</summary>
    public void Wake() => _signal.Set();

    /// <summary>Completes once the thread has finished the run in progress, if any, and exited.</summary>
    public Task StopAsync()
    {
        _stopping = true;
        _signal.Set();
        return _stopped.Task;
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                _signal.Wait();
                if (_stopping)
                {
                    break;
                }
                _work();
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}
