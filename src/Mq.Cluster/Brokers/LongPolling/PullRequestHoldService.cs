using System.Collections.Concurrent;
using Mq.Storage.Abstractions;

namespace Mq.Brokers.LongPolling;

/// <summary>
/// Long polling (RocketMQ <c>PullRequestHoldService</c> + <c>NotifyMessageArrivingListener</c>): pulls that
/// found nothing are held per topic+queue and re-run when the store dispatches a matching message to that
/// queue, or when their own timer reaches the suspend timeout (never later; RocketMQ checks every 5 s
/// and can overshoot by up to that much). A re-run never suspends again: it answers with what the store has.
/// </summary>
internal sealed class PullRequestHoldService(Broker broker) : IMessageArrivalListener
{
    private readonly ConcurrentDictionary<(string Topic, int QueueId), List<PullRequest>> _holds = new();
    private IDisposable? _listener;
    private int _count;

    /// <summary>Number of requests held right now.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Start() => _listener = broker.Store.AddArrivalListener(this);

    /// <summary>
    /// Holds <paramref name="request"/> for up to <paramref name="timeout"/>. When a message already reached
    /// the offset (it arrived between the read and this call) the request is re-run at once.
    /// </summary>
    public void Suspend(PullRequest request, TimeSpan timeout)
    {
        List<PullRequest> list = _holds.GetOrAdd((request.Topic, request.QueueId), static _ => []);
        lock (list)
        {
            list.Add(request);
        }
        Interlocked.Increment(ref _count);
        request.Timer = broker.Time.CreateTimer(static state =>
        {
            var (service, held) = ((PullRequestHoldService, PullRequest))state!;
            service.Wake(held);
        }, (this, request), timeout, Timeout.InfiniteTimeSpan);
        // Deviation from RocketMQ, which keeps a hold until its timeout or an arrival even when the channel
        // is gone: a closed connection releases its holds at once, so clients that disconnect with long
        // (or absurd) suspend times cannot pile requests up in the broker.
        request.ClosedRegistration = request.Connection.Closed.UnsafeRegister(static state =>
        {
            var (service, held) = ((PullRequestHoldService, PullRequest))state!;
            service.Drop(held);
        }, (this, request));
        if (broker.Stopping.IsCancellationRequested)
        {
            // Stopping: answer now, while this handler still counts as in flight, so the server's drain waits
            // for the answer before it closes the connection.
            Wake(request, inline: true);
        }
        else if (broker.Store.GetMaxOffsetInQueue(request.Topic, request.QueueId) > request.Offset)
        {
            Wake(request);
        }
    }

    /// <inheritdoc />
    public void OnMessageArrived(string topic, int queueId, long logicalOffset, long tagsCode, long storeTimestamp)
    {
        if (Volatile.Read(ref _count) == 0 || !_holds.TryGetValue((topic, queueId), out List<PullRequest>? list))
        {
            return;
        }
        lock (list)
        {
            for (int i = list.Count - 1; i >= 0; i--)
            {
                PullRequest request = list[i];
                if (logicalOffset >= request.Offset && (request.Filter is null || request.Filter.IsMatchedByConsumeQueue(tagsCode)) && request.TryComplete())
                {
                    list.RemoveAt(i);
                    Interlocked.Decrement(ref _count);
                    ThreadPool.UnsafeQueueUserWorkItem(request, preferLocal: false);
                }
            }
        }
    }

    /// <summary>
    /// Answers every held request (at stop) and detaches from the store. The answers are queued on their
    /// connections before this returns, so the server's stop, which comes next, sends them before it closes
    /// the connections (a re-run handed to the pool could come after the close).
    /// </summary>
    public Task StopAsync()
    {
        _listener?.Dispose();
        foreach (List<PullRequest> list in _holds.Values)
        {
            PullRequest[] requests;
            lock (list)
            {
                requests = [.. list];
            }
            foreach (PullRequest request in requests)
            {
                Wake(request, inline: true);
            }
        }
        return Task.CompletedTask;
    }

    private void Drop(PullRequest request)
    {
        if (!request.TryComplete())
        {
            return;
        }
        Remove(request);
        request.Discard();
    }

    private void Wake(PullRequest request, bool inline = false)
    {
        if (!request.TryComplete())
        {
            return;
        }
        Remove(request);
        if (inline)
        {
            request.Execute();
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(request, preferLocal: false);
        }
    }

    private void Remove(PullRequest request)
    {
        if (_holds.TryGetValue((request.Topic, request.QueueId), out List<PullRequest>? list))
        {
            lock (list)
            {
                list.Remove(request);
            }
        }
        Interlocked.Decrement(ref _count);
    }
}
