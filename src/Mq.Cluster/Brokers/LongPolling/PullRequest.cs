using Mq.Brokers.Processors;
using Mq.Protocol;
using Mq.Storage.Abstractions;
using Mq.Transport;

namespace Mq.Brokers.LongPolling;

/// <summary>
/// A held PULL_MESSAGE (RocketMQ <c>PullRequest</c>): the retained request and what the wake-up check
/// needs. Completes exactly once, from an arrival, its timer or shutdown, by re-running the request
/// without suspension on the thread pool.
/// </summary>
internal sealed class PullRequest(PullMessageProcessor processor, RemotingConnection connection, RemotingCommand request,
    string topic, int queueId, long offset, IMessageFilter? filter) : IThreadPoolWorkItem
{
    private int _completed;

    public string Topic { get; } = topic;

    public int QueueId { get; } = queueId;

    /// <summary>The offset the consumer asked for; a message at or beyond it wakes the request.</summary>
    public long Offset { get; } = offset;

    public IMessageFilter? Filter { get; } = filter;

    public RemotingConnection Connection { get; } = connection;

    public ITimer? Timer { get; set; }

    /// <summary>Drops the hold when the connection closes (nobody could read the answer).</summary>
    public CancellationTokenRegistration ClosedRegistration { get; set; }

    /// <summary>Claims the request; only the first caller gets true.</summary>
    public bool TryComplete()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        Timer?.Dispose();
        ClosedRegistration.Unregister();
        return true;
    }

    /// <summary>Releases the held request without answering it (its connection is gone).</summary>
    public void Discard() => request.Dispose();

    /// <summary>Re-runs the request (the caller has claimed it with <see cref="TryComplete"/>).</summary>
    public void Execute() => _ = processor.ExecuteWakeUpAsync(Connection, request);
}
