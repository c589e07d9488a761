using System.Globalization;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol.Body;
using Mq.Storage;
using Mq.Storage.Abstractions;

namespace Mq.Brokers.Schedule;

/// <summary>
/// Delivers delayed messages (RocketMQ <c>ScheduleMessageService</c>): one loop per delay level reads its
/// SCHEDULE_TOPIC_XXXX queue in order and re-puts each message to REAL_TOPIC / REAL_QID once its delivery time
/// (store time + level delay) has come. Within a level delivery times only grow, so a loop sleeps until the
/// head message is due (timer from <see cref="TimeProvider"/>) or, with an empty queue, until a message
/// arrives. Progress per level (<c>config/delayOffset.json</c>, keyed by level) advances only after the re-put
/// succeeded and is written periodically and at stop: a clean restart never delivers a message twice.
/// </summary>
internal sealed partial class ScheduleMessageService : IMessageArrivalListener
{
    /// <summary>RocketMQ waits 10 s after a failed re-put; we retry sooner but never skip the message.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Broker _broker;
    private readonly long[] _delays;
    private readonly long[] _offsets;
    private readonly Storage.Threading.AsyncSignal[] _arrivals;
    private readonly string _path;
    private readonly Lock _persistLock = new();
    private readonly List<Task> _loops = [];
    private IDisposable? _listener;

    public ScheduleMessageService(Broker broker)
    {
        _broker = broker;
        _delays = StoreOptions.ParseDelayLevels(broker.Options.MessageDelayLevel);
        _offsets = new long[_delays.Length];
        _arrivals = new Storage.Threading.AsyncSignal[_delays.Length];
        for (int i = 0; i < _arrivals.Length; i++)
        {
            _arrivals[i] = new Storage.Threading.AsyncSignal();
        }
        _path = Path.Combine(broker.Options.StorePathRootDir, "config", "delayOffset.json");
    }

    /// <summary>The highest delay level.</summary>
    public int MaxLevel => _delays.Length;

    /// <summary>Delay of <paramref name="level"/> (1-based) in milliseconds.</summary>
    public long DelayMillis(int level) => _delays[Math.Clamp(level, 1, _delays.Length) - 1];

    /// <summary>Reads <c>config/delayOffset.json</c> (or its backup).</summary>
    public void Load()
    {
        DelayOffsetSerializeWrapper? wrapper = ConfigFile.Read(_path, static bytes => DelayOffsetSerializeWrapper.Decode(bytes));
        if (wrapper is null)
        {
            return;
        }
        foreach (KeyValuePair<int, long> entry in wrapper.OffsetTable)
        {
            if (entry.Key >= 1 && entry.Key <= _offsets.Length)
            {
                _offsets[entry.Key - 1] = entry.Value;
            }
        }
    }

    /// <summary>Starts one delivery loop per level and the periodic persistence.</summary>
    public void Start(CancellationToken stopping)
    {
        if (_broker.Options.BrokerRole == BrokerRole.Slave)
        {
            // As RocketMQ: only a master delivers delayed messages (a slave's store refuses puts).
            return;
        }
        _listener = _broker.Store.AddArrivalListener(this);
        for (int i = 0; i < _delays.Length; i++)
        {
            int level = i + 1;
            _loops.Add(Task.Run(() => RunLevelAsync(level, stopping), CancellationToken.None));
        }
    }

    /// <summary>Waits for the loops (after <c>stopping</c> was cancelled); the broker then writes the final progress.</summary>
    public async Task StopAsync()
    {
        foreach (Storage.Threading.AsyncSignal arrival in _arrivals)
        {
            arrival.Set();
        }
        foreach (Task loop in _loops)
        {
            await loop.ConfigureAwait(false);
        }
        _listener?.Dispose();
    }

    /// <summary>The progress table (GET_ALL_DELAY_OFFSET and the file).</summary>
    public DelayOffsetSerializeWrapper Snapshot()
    {
        var wrapper = new DelayOffsetSerializeWrapper();
        for (int i = 0; i < _offsets.Length; i++)
        {
            wrapper.OffsetTable[i + 1] = Volatile.Read(ref _offsets[i]);
        }
        return wrapper;
    }

    /// <summary>
    /// A slave's copy of its master's delay progress (RocketMQ <c>SlaveSynchronize.syncDelayOffset</c> writes
    /// the file; the live table is updated too so GET_ALL_DELAY_OFFSET on this slave agrees with it).
    /// </summary>
    public void ReplaceFromMaster(DelayOffsetSerializeWrapper master)
    {
        foreach (KeyValuePair<int, long> entry in master.OffsetTable)
        {
            if (entry.Key >= 1 && entry.Key <= _offsets.Length)
            {
                Volatile.Write(ref _offsets[entry.Key - 1], entry.Value);
            }
        }
        Persist();
    }

    /// <summary>Writes <c>config/delayOffset.json</c> atomically.</summary>
    public void Persist()
    {
        lock (_persistLock)
        {
            ConfigFile.Write(_path, Snapshot().Encode());
        }
    }

    void IMessageArrivalListener.OnMessageArrived(string topic, int queueId, long logicalOffset, long tagsCode, long storeTimestamp)
    {
        if ((uint)queueId < (uint)_arrivals.Length && topic == TopicValidator.ScheduleTopic)
        {
            _arrivals[queueId].Set();
        }
    }

    private async Task RunLevelAsync(int level, CancellationToken stopping)
    {
        int queueId = level - 1;
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await DeliverDueAsync(level, queueId, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                BrokerLog.DelayDeliveryFailed(_broker.Logger, level, ex);
                wait = RetryDelay;
            }
            try
            {
                if (wait == Timeout.InfiniteTimeSpan)
                {
                    await _arrivals[queueId].WaitAsync().ConfigureAwait(false);
                }
                else if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _broker.Time, stopping).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Delivers every due message at the head of the level's queue; returns how long to wait before the
    /// next attempt (<see cref="Timeout.InfiniteTimeSpan"/>: until a message arrives).
    /// </summary>
    private async Task<TimeSpan> DeliverDueAsync(int level, int queueId, CancellationToken stopping)
    {
        long delay = _delays[queueId];
        while (!stopping.IsCancellationRequested)
        {
            long offset = Volatile.Read(ref _offsets[queueId]);
            using GetMessagesResult result = _broker.Store.GetMessages(TopicValidator.ScheduleTopic, queueId, offset, 32, 1024 * 1024);
            switch (result.Status)
            {
                case GetMessageStatus.Found:
                    break;
                case GetMessageStatus.OffsetTooSmall or GetMessageStatus.OffsetOverflowBadly or GetMessageStatus.OffsetFoundNull
                    when result.NextBeginOffset != offset:
                    // Expired or corrupt progress: resume where the queue has messages (RocketMQ corrects the same way).
                    Volatile.Write(ref _offsets[queueId], result.NextBeginOffset);
                    continue;
                default:
                    return Timeout.InfiniteTimeSpan;
            }
            for (int i = 0; i < result.MessageCount; i++)
            {
                DecodedMessage stored = MessageDecoder.Decode(result.Messages[i].Span);
                long now = _broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
                long due = stored.StoreTimestamp + delay;
                if (due > now)
                {
                    return TimeSpan.FromMilliseconds(due - now);
                }
                if (!await RedeliverAsync(stored, stopping).ConfigureAwait(false))
                {
                    return RetryDelay;
                }
                Volatile.Write(ref _offsets[queueId], result.QueueOffsets[i] + 1);
            }
        }
        return TimeSpan.Zero;
    }

    /// <summary>Re-puts a due message to its real topic and queue; false when the store refused it.</summary>
    private async Task<bool> RedeliverAsync(DecodedMessage stored, CancellationToken stopping)
    {
        Dictionary<string, string> properties = StoredMessageCopy.Properties(stored);
        if (!StoredMessageCopy.TryRealDestination(properties, remove: false, out string? topic, out int queueId))
        {
            // Nothing to deliver to: RocketMQ logs and skips such a record as well.
            BrokerLog.DelayMessageDiscarded(_broker.Logger, stored.CommitLogOffset);
            return true;
        }
        // As RocketMQ 4.9: DELAY is cleared and WAIT=false set; REAL_TOPIC/REAL_QID stay on the delivered message.
        properties.Remove(MessageConst.DelayTimeLevel);
        properties[MessageConst.WaitStoreMsgOk] = "false";
        MessageToStore message = StoredMessageCopy.Create(stored, properties, topic, queueId, _broker.StoreHost);
        AppendResult appended = await _broker.PutMessageAsync(message, out int refused, out _, stopping).ConfigureAwait(false);
        if (refused != 0 || !appended.IsStored)
        {
            BrokerLog.DelayRedeliveryRefused(_broker.Logger, topic, stored.CommitLogOffset, appended.Status.ToString());
            return false;
        }
        return true;
    }
}
