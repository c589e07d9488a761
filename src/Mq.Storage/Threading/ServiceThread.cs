namespace Mq.Storage.Threading;

/// <summary>
/// A background job that blocks (flushes, syncs) and so gets a thread of its own, as RocketMQ's
/// <c>ServiceThread</c>s have: woken by <see cref="Wake"/> (a timer, a request), it runs the work once per
/// wake-up. On the thread pool the same work held a pool thread for milliseconds at a time, and on a
/// two-core machine socket continuations and handlers waited behind it. A failing run is reported to
/// <c>onError</c> and the thread goes on: an exception must not end the process, as it would on a thread.
/// </summary>
internal sealed class ServiceThread
{
    private readonly ThreadSignal _signal = new();
    private readonly Action _work;
    private readonly Action<Exception> _onError;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    public ServiceThread(string name, Action work, Action<Exception> onError)
    {
        _work = work;
        _onError = onError;
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
                try
                {
                    _work();
                }
                catch (Exception ex)
                {
                    _onError(ex);
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}
