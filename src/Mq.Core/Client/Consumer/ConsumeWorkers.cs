using System.Collections.Concurrent;

namespace Mq.Client;

/// <summary>
/// Runs a push consumer's concurrent handlers on pool threads, at most <c>parallelism</c> at once (Java's
/// <c>consumeExecutor</c>), without a task or a state machine per message. Posted items wait in one queue; a
/// worker is a pass over that queue scheduled on the thread pool, which drains it and ends when it is empty.
/// Only a handler that actually goes asynchronous costs an allocation (its awaited continuation).
/// </summary>
/// <remarks>
/// Items never run inline in <see cref="Post"/>: the poster is a pull loop on the thread that completed the
/// pull's response, and a synchronous handler would otherwise consume the pulled messages one by one there
/// and hold up every other response read with it.
/// </remarks>
internal sealed class ConsumeWorkers<T> : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<T> _queue = new();
    private readonly Func<T, ValueTask> _consume;
    private readonly Action<T, Exception> _onFault;
    private readonly int _parallelism;
    private int _running;

    /// <param name="consume">Handles one item; expected not to throw (a fault goes to <paramref name="onFault"/>).</param>
    /// <param name="parallelism">How many items may be in <paramref name="consume"/> at once.</param>
    /// <param name="onFault">Told about an item whose handling threw; the worker goes on with the next one.</param>
    public ConsumeWorkers(Func<T, ValueTask> consume, int parallelism, Action<T, Exception> onFault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _consume = consume;
        _parallelism = parallelism;
        _onFault = onFault;
    }

    /// <summary>Queues <paramref name="item"/> and starts a worker unless <c>parallelism</c> are already running.</summary>
    public void Post(T item)
    {
        _queue.Enqueue(item);
        if (TryClaimWorker())
        {
            // The same object is queued once per running worker: each Execute is one independent pass.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    void IThreadPoolWorkItem.Execute() => Drain();

    private void Drain()
    {
        while (true)
        {
            while (_queue.TryDequeue(out T? item))
            {
                ValueTask pending;
                try
                {
                    pending = _consume(item);
                }
                catch (Exception ex)
                {
                    _onFault(item, ex);
                    continue;
                }
                if (!pending.IsCompletedSuccessfully)
                {
                    // This worker's slot stays taken until the handler finishes.
                    _ = DrainAfterAsync(item, pending);
                    return;
                }
            }
            Interlocked.Decrement(ref _running);
            // An item posted between the last dequeue and the decrement found every slot taken and started no
            // worker: take the slot back for it, unless another worker already did.
            if (_queue.IsEmpty || !TryClaimWorker())
            {
                return;
            }
        }
    }

    private async Task DrainAfterAsync(T item, ValueTask pending)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _onFault(item, ex);
        }
        // Still holding the slot; the pass goes on on a pool thread, not on whichever thread completed the handler.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private bool TryClaimWorker()
    {
        int running = Volatile.Read(ref _running);
        while (running < _parallelism)
        {
            int seen = Interlocked.CompareExchange(ref _running, running + 1, running);
            if (seen == running)
            {
                return true;
            }
            running = seen;
        }
        return false;
    }
}
