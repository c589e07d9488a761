using Mq.Protocol;
using Mq.Protocol.Body;

namespace Mq.Client;

// Orderly consumption (RocketMQ ConsumeMessageOrderlyService + RebalanceImpl.lock/lockAll/unlock, §9.4).
public sealed partial class PushConsumer
{
    private static readonly TimeSpan LockRenewInterval = TimeSpan.FromSeconds(20);

    // The client treats a lock as expired after 30 s without renewal (the broker after 60 s).
    private static readonly TimeSpan LockMaxLive = TimeSpan.FromSeconds(30);

    private bool IsLockValid(ProcessQueue queue) => queue.Locked && _client.Time.GetElapsedTime(queue.LastLockTimestamp) < LockMaxLive;

    private async Task LockLoopAsync()
    {
        using var timer = new PeriodicTimer(LockRenewInterval, _client.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                foreach (ProcessQueue queue in _processQueues.Values)
                {
                    await LockAsync(queue, _stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> LockAsync(ProcessQueue queue, CancellationToken cancellationToken)
    {
        string? address = _client.FindMasterAddress(queue.Queue.BrokerName);
        if (address is null)
        {
            return false;
        }
        var body = new LockBatchRequestBody { ConsumerGroup = Options.ConsumerGroup, ClientId = _client.ClientId, MqSet = [queue.Queue] };
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.LockBatchMq);
        request.SetBody(body.Encode());
        try
        {
            using RemotingCommand response = await _client.InvokeAsync(address, request, Options.ClientApiTimeout, "LOCK_BATCH_MQ", cancellationToken).ConfigureAwait(false);
            bool locked = response.Code == ResponseCode.Success && LockBatchResponseBody.Decode(response.Body.Span).LockOkMqSet.Contains(queue.Queue);
            queue.Locked = locked;
            if (locked)
            {
                queue.LastLockTimestamp = _client.Time.GetTimestamp();
            }
            return locked;
        }
        catch (MqClientException ex)
        {
            _client.Logger.LockFailed(ex, address);
            return false;
        }
    }

    private async Task UnlockAsync(List<MessageQueue> queues)
    {
        foreach (MessageQueue queue in queues)
        {
            string? address = _client.FindMasterAddress(queue.BrokerName);
            if (address is null)
            {
                continue;
            }
            var body = new UnlockBatchRequestBody { ConsumerGroup = Options.ConsumerGroup, ClientId = _client.ClientId, MqSet = [queue] };
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.UnlockBatchMq);
            request.SetBody(body.Encode());
            await _client.InvokeOnewayAsync(address, request, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task OrderlyWorkerAsync(ProcessQueue processQueue)
    {
        System.Threading.Channels.ChannelReader<ReceivedMessage> reader = processQueue.Ordered!.Reader;
        CancellationToken stop = processQueue.Stop.Token;
        int maxReconsume = Options.MaxReconsumeTimes < 0 ? int.MaxValue : Options.MaxReconsumeTimes;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (!stop.IsCancellationRequested && reader.TryPeek(out ReceivedMessage? message))
                {
                    if (!IsLockValid(processQueue))
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(100), _client.Time, stop).ConfigureAwait(false);
                        continue;
                    }
                    int attempts = 0;
                    ConsumeResult result;
                    while (true)
                    {
                        result = await HandleAsync(processQueue, message, new ConsumeContext(processQueue.Queue, Options.ConsumerGroup)).ConfigureAwait(false);
                        if (result == ConsumeResult.Success || attempts >= maxReconsume)
                        {
                            break;
                        }
                        attempts++;
                        await Task.Delay(Options.SuspendCurrentQueueTime, _client.Time, stop).ConfigureAwait(false);
                    }
                    if (result != ConsumeResult.Success)
                    {
                        // Out of local retries: dead-letter it (delay level -1) so the queue moves on.
                        await SendBackAsync(message, -1).ConfigureAwait(false);
                    }
                    reader.TryRead(out _);
                    long offset = processQueue.Remove(message.QueueOffset);
                    if (offset >= 0)
                    {
                        _offsets[processQueue.Queue] = offset;
                    }
                    HandlerDone();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        // Not consumed: they stay uncommitted and come back from the committed offset.
        while (reader.TryRead(out _))
        {
            HandlerDone();
        }
    }
}
