using Mq.Protocol.Body;

namespace Mq.Client;

// The push side of rebalancing (RocketMQ RebalancePushImpl, §9.4 and §10(b) step 5); the allocation
// itself is the shared Rebalancer.
public sealed partial class PushConsumer : IRebalanceTarget
{
    ICollection<string> IRebalanceTarget.RebalanceTopics => _subscriptions.Keys;

    ICollection<MessageQueue> IRebalanceTarget.OwnedQueues => _processQueues.Keys;

    internal Task RebalanceAsync(CancellationToken cancellationToken) => _rebalancer.RebalanceAsync(cancellationToken);

    async Task<bool> IRebalanceTarget.AddQueueAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        if (_processQueues.ContainsKey(queue))
        {
            return false;
        }
        long start;
        try
        {
            long stored = Options.MessageModel == ConsumerMessageModel.Broadcasting
                ? (_offsets.TryGetValue(queue, out long local) ? local : -1)
                : await _api.QueryCommittedOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
            start = await _api.ComputeStartOffsetAsync(queue, stored, Options.ConsumeFromWhere, Options.ConsumeTimestamp, cancellationToken).ConfigureAwait(false);
        }
        catch (MqClientException ex)
        {
            _client.Logger.StartOffsetFailed(ex, queue.ToString());
            return false;
        }
        var processQueue = new ProcessQueue(queue);
        if (Options.Orderly && !await LockAsync(processQueue, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        if (!_processQueues.TryAdd(queue, processQueue))
        {
            return false;
        }
        if (Options.Orderly)
        {
            processQueue.Ordered = System.Threading.Channels.Channel.CreateUnbounded<ReceivedMessage>(new() { SingleReader = true, SingleWriter = true });
            processQueue.ConsumeWorker = Task.Run(() => OrderlyWorkerAsync(processQueue), CancellationToken.None);
        }
        _offsets[queue] = start;
        processQueue.PullLoop = Task.Run(() => PullLoopAsync(processQueue, start), CancellationToken.None);
        return true;
    }

    async Task IRebalanceTarget.RemoveQueueAsync(MessageQueue queue)
    {
        if (!_processQueues.TryRemove(queue, out ProcessQueue? processQueue))
        {
            return;
        }
        await processQueue.Stop.CancelAsync().ConfigureAwait(false);
        await PersistAsync(queue, waitForAck: false, CancellationToken.None).ConfigureAwait(false);
        if (Options.Orderly)
        {
            await UnlockAsync([queue]).ConfigureAwait(false);
        }
        if (Options.MessageModel == ConsumerMessageModel.Clustering)
        {
            _offsets.TryRemove(queue, out _);
        }
    }

    private string BrokerAddress(MessageQueue queue) => _api.BrokerAddress(queue);
}
