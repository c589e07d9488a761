using System.Globalization;
using System.Text;
using System.Text.Json;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Abstractions;

namespace Mq.Brokers.Schedule;

/// <summary>
/// Delivers the timer messages <see cref="TimerPutHook"/> parked in <c>rmq_sys_wheel_timer</c> (what RocketMQ 5's
/// <c>TimerMessageStore</c> does with its timing wheel): the timer queue is read as it grows, each message's
/// TIMER_OUT_MS goes into a heap ordered by delivery time, and a due message is re-put to REAL_TOPIC / REAL_QID with
/// TIMER_ENQUEUE_MS and TIMER_DEQUEUE_MS set. Delivery times need not follow queue order, so progress is not one
/// offset: <c>config/timerProgress.json</c> keeps how far the queue was read and the ranges of offsets still
/// pending, written periodically and at stop. A clean restart delivers nothing twice; after a crash, messages
/// delivered since the last write are delivered again (at least once, as RocketMQ). Pending messages are held in
/// memory only as heap entries of (offset, time), 24 B each plus the heap's spare capacity.
/// <para>
/// Cancellation is 5.x's: a timer message carrying TIMER_DEL_UNIQKEY = <c>realTopic+uniqKey</c> and due at the same
/// (rounded) time is never delivered itself, and the message of that topic and UNIQ_KEY due at that time is dropped.
/// The cancellations are collected as the queue is read (also from the pending messages re-read at start), so they
/// hold whatever the order of the two in the queue.
/// </para>
/// </summary>
internal sealed class TimerMessageService : IMessageArrivalListener
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Broker _broker;
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<long, (long Due, long Offset)> _heap = new();
    // The pending ranges of the progress file until they have been read back into the heap; while they are, the
    // file is not rewritten (the heap does not hold them all yet).
    private List<long[]>? _loaded;
    // Due time -> the realTopic+uniqKey keys cancelled at that time; dropped once the heap has passed that time.
    private readonly Dictionary<long, HashSet<string>> _cancelled = [];
    private readonly Storage.Threading.AsyncSignal _arrival = new();
    private long _scanned;
    private Task? _loop;
    private IDisposable? _listener;

    public TimerMessageService(Broker broker)
    {
        _broker = broker;
        _path = Path.Combine(broker.Options.StorePathRootDir, "config", "timerProgress.json");
    }

    /// <summary>Timer messages waiting for their time.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _heap.Count;
            }
        }
    }

    /// <summary>Reads the progress file: where the queue was read to, and the offsets below that still pending.</summary>
    public void Load()
    {
        Progress? progress = ConfigFile.Read(_path, static bytes => JsonSerializer.Deserialize<Progress>(bytes) ?? new Progress());
        if (progress is null)
        {
            return;
        }
        _scanned = progress.Scanned;
        _loaded = progress.Pending;
    }

    /// <summary>Starts delivering (masters only, as delay levels).</summary>
    public void Start(CancellationToken stopping)
    {
        if (_broker.Options.BrokerRole == BrokerRole.Slave)
        {
            return;
        }
        _listener = _broker.Store.AddArrivalListener(this);
        _loop = Task.Run(() => RunAsync(stopping), CancellationToken.None);
    }

    public async Task StopAsync()
    {
        _arrival.Set();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        _listener?.Dispose();
    }

    /// <summary>Writes <c>config/timerProgress.json</c> atomically (a slave, which delivers nothing, keeps whatever file it has).</summary>
    public void Persist()
    {
        if (_loop is null)
        {
            return;
        }
        Progress progress;
        lock (_gate)
        {
            if (_loaded is not null)
            {
                return; // still reading the file's pending messages back: the file is what is in force
            }
            var pending = new long[_heap.Count];
            int count = 0;
            foreach ((long offset, _) in _heap.UnorderedItems)
            {
                pending[count++] = offset;
            }
            Array.Sort(pending);
            var ranges = new List<long[]>();
            for (int i = 0; i < pending.Length; i++)
            {
                if (ranges.Count > 0 && ranges[^1][1] == pending[i])
                {
                    ranges[^1][1] = pending[i] + 1;
                }
                else
                {
                    ranges.Add([pending[i], pending[i] + 1]);
                }
            }
            progress = new Progress { Scanned = _scanned, Pending = ranges };
        }
        ConfigFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(progress));
    }

    void IMessageArrivalListener.OnMessageArrived(string topic, int queueId, long logicalOffset, long tagsCode, long storeTimestamp)
    {
        if (topic == TopicValidator.TimerTopic)
        {
            _arrival.Set();
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        // Pending offsets from the file are read back first: their delivery times are in the messages. Nothing is
        // delivered or newly read before that is complete.
        while (_loaded is not null)
        {
            try
            {
                ReadBackPending(_loaded);
                lock (_gate)
                {
                    _loaded = null;
                }
            }
            catch (Exception ex)
            {
                BrokerLog.TimerDeliveryFailed(_broker.Logger, ex);
                try
                {
                    await Task.Delay(RetryDelay, _broker.Time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        Task? arrival = null;
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                ReadNew();
                wait = await DeliverDueAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                BrokerLog.TimerDeliveryFailed(_broker.Logger, ex);
                wait = RetryDelay;
            }
            if (wait == TimeSpan.Zero)
            {
                continue;
            }
            // The signal has one waiter: a wait the timer ended stays pending and is reused by the next one.
            arrival ??= _arrival.WaitAsync().AsTask();
            if (wait == Timeout.InfiniteTimeSpan)
            {
                await arrival.ConfigureAwait(false);
                arrival = null;
                continue;
            }
            // A new message may be due before the head of the heap: an arrival ends the wait early.
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            Task timeUp = Task.Delay(wait, _broker.Time, timer.Token);
            if (await Task.WhenAny(arrival, timeUp).ConfigureAwait(false) == arrival)
            {
                arrival = null;
            }
            await timer.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the pending offsets of the progress file into the heap (again from scratch when retried). An offset no
    /// longer in the queue (cut off by recovery after a crash, or by retention) has nothing to deliver.
    /// </summary>
    private void ReadBackPending(List<long[]> ranges)
    {
        lock (_gate)
        {
            _heap.Clear();
            _cancelled.Clear();
        }
        long min = _broker.Store.GetMinOffsetInQueue(TopicValidator.TimerTopic, 0);
        long max = _broker.Store.GetMaxOffsetInQueue(TopicValidator.TimerTopic, 0);
        foreach (long[] range in ranges)
        {
            if (range is not [long start, long end])
            {
                continue;
            }
            for (long offset = Math.Max(start, min), stop = Math.Min(end, max); offset < stop;)
            {
                long next = ReadIntoHeap(offset, (int)Math.Min(32, stop - offset), advance: false);
                offset = next > offset ? next : offset + 1;
            }
        }
    }

    /// <summary>Adds every message the timer queue gained since the last read to the heap.</summary>
    private void ReadNew()
    {
        while (true)
        {
            long from = Volatile.Read(ref _scanned);
            if (ReadIntoHeap(from, 32, advance: true) == from)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> messages from <paramref name="from"/> into the heap; returns the next offset
    /// to read. With <paramref name="advance"/> (new messages, not a pending one re-read at start) the read position
    /// moves under the same lock as they are added, so a progress write never records them both as pending and as unread.
    /// </summary>
    private long ReadIntoHeap(long from, int count, bool advance)
    {
        using GetMessagesResult result = _broker.Store.GetMessages(TopicValidator.TimerTopic, 0, from, count, 1024 * 1024);
        if (result.Status is GetMessageStatus.OffsetTooSmall or GetMessageStatus.OffsetOverflowBadly or GetMessageStatus.OffsetFoundNull
            && result.NextBeginOffset > from)
        {
            // Retention removed the queue's head (or the progress is stale): resume where it has messages.
            if (advance)
            {
                lock (_gate)
                {
                    _scanned = result.NextBeginOffset;
                }
            }
            return result.NextBeginOffset;
        }
        if (result.Status != GetMessageStatus.Found)
        {
            return from;
        }
        lock (_gate)
        {
            for (int i = 0; i < result.MessageCount; i++)
            {
                long offset = result.QueueOffsets[i];
                (long due, string? cancels) = DueTime(result.Messages[i].Span);
                _heap.Enqueue(offset, (due, offset));
                if (cancels is not null)
                {
                    if (!_cancelled.TryGetValue(due, out HashSet<string>? keys))
                    {
                        _cancelled[due] = keys = new HashSet<string>(StringComparer.Ordinal);
                    }
                    keys.Add(cancels);
                }
            }
            if (advance)
            {
                _scanned = result.NextBeginOffset;
            }
        }
        return result.NextBeginOffset;
    }

    /// <summary>A parked message's delivery time, and the key it cancels when it is a cancellation.</summary>
    private static (long Due, string? Cancels) DueTime(ReadOnlySpan<byte> record)
    {
        DecodedMessage stored = MessageDecoder.Decode(record);
        // A record without a readable time (it cannot come from the put hook) is delivered at once.
        long due = stored.Properties.TryGetValue(MessageConst.TimerOutMs, out string? text)
            && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : 0;
        return (due, stored.Properties.GetValueOrDefault(MessageConst.TimerDeleteUniqueKey));
    }

    /// <summary>Delivers every due message; returns how long until the next one is due (infinite: none pending).</summary>
    private async Task<TimeSpan> DeliverDueAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            long offset;
            long due;
            lock (_gate)
            {
                if (!_heap.TryPeek(out offset, out (long Due, long Offset) key))
                {
                    return Timeout.InfiniteTimeSpan;
                }
                due = key.Due;
            }
            long now = _broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
            if (due > now)
            {
                return TimeSpan.FromMilliseconds(due - now);
            }
            if (!await DeliverAsync(offset, due, stopping).ConfigureAwait(false))
            {
                return RetryDelay;
            }
            lock (_gate)
            {
                _heap.Dequeue();
                if (_cancelled.Count > 0 && (!_heap.TryPeek(out _, out (long Due, long Offset) next) || next.Due > due))
                {
                    _cancelled.Remove(due);
                }
            }
        }
        return TimeSpan.Zero;
    }

    /// <summary>
    /// Re-puts the timer message at <paramref name="offset"/> to its real topic unless it is a cancellation or cancelled;
    /// false when the store refused it (retried).
    /// </summary>
    private async Task<bool> DeliverAsync(long offset, long due, CancellationToken stopping)
    {
        DecodedMessage stored;
        using (GetMessagesResult result = _broker.Store.GetMessages(TopicValidator.TimerTopic, 0, offset, 1, 4 * 1024 * 1024))
        {
            if (result.Status != GetMessageStatus.Found || result.QueueOffsets[0] != offset)
            {
                // Gone (retention removed it): nothing left to deliver.
                BrokerLog.TimerMessageDiscarded(_broker.Logger, offset, "no longer in the timer queue");
                return true;
            }
            stored = MessageDecoder.Decode(result.Messages[0].Span);
        }
        Dictionary<string, string> properties = StoredMessageCopy.Properties(stored);
        if (properties.ContainsKey(MessageConst.TimerDeleteUniqueKey))
        {
            return true; // a cancellation: it has done its work by being read
        }
        if (!StoredMessageCopy.TryRealDestination(properties, remove: true, out string? topic, out int queueId))
        {
            BrokerLog.TimerMessageDiscarded(_broker.Logger, offset, "it has no REAL_TOPIC/REAL_QID");
            return true;
        }
        if (properties.TryGetValue(MessageConst.UniqueClientMessageIdKeyIndex, out string? uniqueKey) && IsCancelled(due, topic + "+" + uniqueKey))
        {
            BrokerLog.TimerMessageCancelled(_broker.Logger, topic + "+" + uniqueKey, offset);
            return true;
        }
        string now = _broker.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        properties[MessageConst.TimerEnqueueMs] = stored.StoreTimestamp.ToString(CultureInfo.InvariantCulture);
        properties[MessageConst.TimerDequeueMs] = now;
        properties[MessageConst.WaitStoreMsgOk] = "false";
        MessageToStore message = StoredMessageCopy.Create(stored, properties, topic, queueId, _broker.StoreHost);
        AppendResult appended = await _broker.PutMessageAsync(message, out int refused, out _, stopping).ConfigureAwait(false);
        if (refused != 0 || !appended.IsStored)
        {
            BrokerLog.TimerRedeliveryRefused(_broker.Logger, topic, offset, appended.Status.ToString());
            return false;
        }
        return true;
    }

    private bool IsCancelled(long due, string key)
    {
        lock (_gate)
        {
            return _cancelled.TryGetValue(due, out HashSet<string>? keys) && keys.Contains(key);
        }
    }

    private sealed class Progress
    {
        public long Scanned { get; set; }

        public List<long[]>? Pending { get; set; }
    }
}
