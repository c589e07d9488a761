using System.Runtime.CompilerServices;

namespace Mq.Client;

// Handing buffered messages to the application (RocketMQ DefaultLitePullConsumerImpl.poll).
public sealed partial class PullConsumer
{
    /// <summary>
    /// The next buffered batch (at most <see cref="PullConsumerOptions.PullBatchSize"/> messages of one queue, in
    /// queue order), waiting up to <paramref name="timeout"/>; empty when nothing arrived in time or the consumer
    /// stopped. With auto-commit, the messages of earlier polls are committed first when the interval has passed.
    /// </summary>
    /// <param name="timeout">How long to wait for messages; <see cref="TimeSpan.Zero"/> only takes what is buffered, <see cref="Timeout.InfiniteTimeSpan"/> waits until messages arrive.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async ValueTask<IReadOnlyList<ReceivedMessage>> PollAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, zero or infinite.");
        }
        MaybeAutoCommit();
        while (true)
        {
            PulledBatch? batch = await TakeBatchAsync(timeout, cancellationToken).ConfigureAwait(false);
            if (batch is null)
            {
                return [];
            }
            int first = batch.Next;
            if (TryMarkConsumed(batch, batch.Messages.Count))
            {
                IReadOnlyList<ReceivedMessage> polled = first == 0 ? batch.Messages : batch.Messages.GetRange(first, batch.Messages.Count - first);
                TraceHandedOver(polled);
                return polled;
            }
        }
    }

    /// <summary>
    /// Every message as it arrives, until <paramref name="cancellationToken"/> fires (then
    /// <see cref="OperationCanceledException"/>) or the consumer stops (then the sequence ends). Leaving the
    /// loop early keeps the messages not yet handed out for the next read.
    /// </summary>
    public async IAsyncEnumerable<ReceivedMessage> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        // With auto-commit the wait wakes every interval, so what was consumed gets committed while idle.
        TimeSpan wait = Options.AutoCommit ? Options.AutoCommitInterval : Timeout.InfiniteTimeSpan;
        while (true)
        {
            MaybeAutoCommit();
            PulledBatch? batch = await TakeBatchAsync(wait, cancellationToken).ConfigureAwait(false);
            if (batch is null)
            {
                if (Volatile.Read(ref _state) != 1)
                {
                    yield break;
                }
                continue;
            }
            try
            {
                while (batch.Next < batch.Messages.Count)
                {
                    ReceivedMessage message = batch.Messages[batch.Next];
                    if (!TryMarkConsumed(batch, batch.Next + 1))
                    {
                        break;
                    }
                    if (_trace is not null)
                    {
                        // Checked here: the one-element list would otherwise be built for every message.
                        TraceHandedOver([message]);
                    }
                    yield return message;
                    MaybeAutoCommit();
                }
            }
            finally
            {
                if (batch.Next < batch.Messages.Count)
                {
                    _leftovers.Enqueue(batch);
                }
            }
        }
    }

    // The next batch of a queue still owned, or null on timeout or once stopped and drained.
    private async ValueTask<PulledBatch?> TakeBatchAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        CancellationTokenSource? timer = null;
        try
        {
            while (true)
            {
                if (Volatile.Read(ref _state) != 1)
                {
                    // Stopping: what is still buffered stays uncommitted and is delivered again later.
                    return null;
                }
                if (_leftovers.TryDequeue(out PulledBatch? batch) || _ready.Reader.TryRead(out batch))
                {
                    bool current;
                    lock (_gate)
                    {
                        current = IsCurrent(batch.Queue);
                    }
                    if (current)
                    {
                        return batch;
                    }
                    Release(batch.Messages.Count - batch.Next);
                    continue;
                }
                if (timer is null && timeout != Timeout.InfiniteTimeSpan)
                {
                    timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timer.CancelAfter(timeout);
                }
                try
                {
                    if (!await _ready.Reader.WaitToReadAsync(timer?.Token ?? cancellationToken).ConfigureAwait(false))
                    {
                        return null;
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
            }
        }
        finally
        {
            timer?.Dispose();
        }
    }

    // Hands batch messages [Next, end) to the application: they leave the buffer and the queue's consumed
    // offset moves past them (the ProcessQueue rule). False when the queue was replaced or removed meanwhile.
    private bool TryMarkConsumed(PulledBatch batch, int end)
    {
        int count = end - batch.Next;
        lock (_gate)
        {
            if (!IsCurrent(batch.Queue))
            {
                count = batch.Messages.Count - batch.Next;
                batch.Next = batch.Messages.Count;
                Release(count);
                return false;
            }
            long offset = -1;
            for (int i = batch.Next; i < end; i++)
            {
                offset = batch.Queue.Remove(batch.Messages[i].QueueOffset);
            }
            batch.Next = end;
            if (offset >= 0)
            {
                _consumed[batch.Queue.Queue] = offset;
            }
        }
        Release(count);
        return true;
    }

    private void Release(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _buffered, -count);
            if (_space.CurrentCount == 0)
            {
                _space.Release();
            }
        }
    }
}
