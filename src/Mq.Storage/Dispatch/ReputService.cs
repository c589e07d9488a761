using System.Text;
using Microsoft.Extensions.Logging;
using Mq.Common;
using Mq.Messages;
using Mq.Storage.Abstractions;
using Mq.Storage.CommitLog;
using Mq.Storage.ConsumeQueue;
using Mq.Storage.Index;
using Mq.Storage.Threading;

namespace Mq.Storage.Dispatch;

/// <summary>
/// The dispatcher (RocketMQ <c>ReputMessageService</c>): walks newly committed records and builds
/// consume-queue entries and the key index, then signals arrivals. It wakes on the commit log's append
/// signal and drains everything available per wake-up (batched dispatch); idle, it parks on the signal and
/// never sleep-polls. Only while a stream flows just ahead of it does it sleep some tens of microseconds
/// between passes, so that it reads whole batches instead of the records being written.
/// </summary>
internal sealed class ReputService : IAsyncDisposable
{
    private const string ScheduleTopic = "SCHEDULE_TOPIC_XXXX";
    private readonly CommitLog.CommitLog _commitLog;
    private readonly ConsumeQueueTable _queues;
    private readonly IndexService? _index;
    private readonly Func<IMessageArrivalListener[]> _listeners;
    private readonly Func<ICommitLogDispatcher[]> _dispatchers;
    private readonly long[] _delayLevels;
    private readonly ILogger _logger;
    private readonly char[] _chars = new char[512];
    private readonly int _chunk;

    /// <summary>
    /// The read window for devices without a mapping, allocated once and kept for the service's life: the
    /// loop runs on whichever pool thread the signal wakes, and renting a chunk (4 MiB + 16 by default)
    /// per wake-up from the shared pool left one cached in every thread's slot.
    /// </summary>
    private byte[]? _readBuffer;
    /// <summary>Below this many undispatched bytes after a pass, the loop sleeps briefly before the next one.</summary>
    private const int ChaseDistance = 64 * 1024;

    private static readonly TimeSpan MinRetryDelay = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);
    private readonly Timer _retryTimer;
    private TimeSpan _retryDelay;
    private Task? _loop;
    private long _reputFrom;
    private long _passes;
    private volatile bool _stopping;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(Action Work, TaskCompletionSource Done)> _loopWork = new();

    public ReputService(CommitLog.CommitLog commitLog, ConsumeQueueTable queues, IndexService? index, StoreOptions options,
        Func<IMessageArrivalListener[]> listeners, Func<ICommitLogDispatcher[]> dispatchers, ILogger logger)
    {
        _commitLog = commitLog;
        _queues = queues;
        _index = index;
        _listeners = listeners;
        _dispatchers = dispatchers;
        _delayLevels = StoreOptions.ParseDelayLevels(options.MessageDelayLevel);
        _logger = logger;
        _chunk = Math.Max(options.MaxMessageSize + 16, 1024 * 1024);
        _retryTimer = new Timer(static s => ((AsyncSignal)s!).Set(), commitLog.Appended, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Offset up to which every record has been dispatched.</summary>
    public long DispatchedOffset => Volatile.Read(ref _reputFrom);

    public OffsetNotifier DispatchNotifier { get; } = new();

    /// <summary>Passes the loop has made (tests: a loop with nothing to do must park, not spin).</summary>
    internal long Passes => Volatile.Read(ref _passes);

    public void Start(long reputFrom)
    {
        _reputFrom = reputFrom;
        _loop = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (!_stopping)
        {
            RunLoopWork();
            Volatile.Write(ref _passes, _passes + 1);
            long before = DispatchedOffset;
            long seen = _commitLog.MaxOffset;
            bool cut;
            try
            {
                cut = DispatchAvailable();
            }
            catch (Exception ex)
            {
                // The loop must survive anything (a failing device, a bug): log, then retry on the next append
                // or after a backoff, whichever comes first, so a device that heals while no one appends does not
                // leave stored messages unreadable.
                StoreLog.DispatchFailed(_logger, before, ex);
                _retryDelay = _retryDelay == TimeSpan.Zero ? MinRetryDelay : TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                _retryTimer.Change(_retryDelay, Timeout.InfiniteTimeSpan);
                await _commitLog.Appended.WaitAsync().ConfigureAwait(false);
                continue;
            }
            _retryDelay = TimeSpan.Zero;
            if (DispatchedOffset > before)
            {
                DispatchNotifier.Notify(DispatchedOffset);
                long pending = _commitLog.MaxOffset - DispatchedOffset;
                if (pending > 0 && pending < ChaseDistance)
                {
                    // A stream is flowing and the appender is just ahead. Going on now would chase it record by
                    // record, reading the cache lines it is about to write (the log's end, the record being
                    // encoded), so every append would pay a cross-core ownership transfer: measured, about 40 %
                    // of a 100 B append's rate. A short sleep lets a batch build up instead (RocketMQ's reput
                    // sleeps a millisecond between every pass); idle, the loop parks on the append signal.
                    ShortSleep.Pause();
                }
                continue;
            }
            // Nothing dispatched: the loop has caught up, or the log ends inside a record (a replicated frame
            // cuts records at any byte), and then nothing can be done until the log grows past what this pass
            // saw: waiting only for it to pass the dispatched offset turned a cut record into a busy loop that
            // took a whole core from a catching-up slave (measured: 20 % of all samples).
            long waitPast = cut ? seen : DispatchedOffset;
            // Spin briefly before parking: under a steady append stream the next record is usually a few
            // microseconds away, and parking would make every append pay a cross-core wake-up.
            var spinner = default(SpinWait);
            while (!spinner.NextSpinWillYield && _commitLog.MaxOffset <= waitPast && !_stopping)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            if (_commitLog.MaxOffset <= waitPast)
            {
                await _commitLog.Appended.WaitAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Dispatches everything available; true when it stopped at a record the log's end cuts.</summary>
    private bool DispatchAvailable()
    {
        while (!_stopping)
        {
            long from = Volatile.Read(ref _reputFrom);
            long max = _commitLog.MaxOffset;
            if (from >= max)
            {
                return false;
            }
            if (from < _commitLog.MinOffset)
            {
                Volatile.Write(ref _reputFrom, _commitLog.MinOffset);
                continue;
            }
            if (!_commitLog.TryAcquireSegment(from, out var segment))
            {
                return false;
            }
            try
            {
                long limit = Math.Min(segment.EndOffset, max);
                int position = (int)(from - segment.StartOffset);
                ReadOnlySpan<byte> window;
                if (segment.IsDirect)
                {
                    window = segment.Memory.Span[position..(int)(limit - segment.StartOffset)];
                }
                else
                {
                    byte[] buffer = _readBuffer ??= GC.AllocateUninitializedArray<byte>(_chunk);
                    int length = (int)Math.Min(buffer.Length, limit - from);
                    window = buffer.AsSpan(0, segment.Read(position, buffer.AsSpan(0, length)));
                }
                int consumed = DispatchWindow(window, from, segment.EndOffset, out bool stalled);
                Volatile.Write(ref _reputFrom, from + consumed);
                if (stalled)
                {
                    return true;
                }
            }
            finally
            {
                segment.Release();
            }
        }
        return false;
    }

    /// <summary>Dispatches whole records in the window; returns bytes consumed.</summary>
    private int DispatchWindow(ReadOnlySpan<byte> window, long windowOffset, long segmentEnd, out bool stalled)
    {
        stalled = false;
        int at = 0;
        while (at < window.Length)
        {
            var status = MessageView.TryRead(window[at..], checkCrc: false, out var view, out int size);
            switch (status)
            {
                case RecordReadStatus.Ok:
                    Dispatch(view, windowOffset + at);
                    at += size;
                    break;
                case RecordReadStatus.Blank:
                    return (int)(segmentEnd - windowOffset);
                case RecordReadStatus.NeedMoreData:
                    // A replicated chunk can end mid-record; a bounded read window can too.
                    stalled = windowOffset + window.Length >= _commitLog.MaxOffset;
                    return at;
                default:
                    StoreLog.DispatchInvalidRecord(_logger, windowOffset + at, status.ToString());
                    return (int)(segmentEnd - windowOffset);
            }
        }
        return at;
    }

    private void Dispatch(in MessageView view, long physicalOffset)
    {
        int sysFlag = view.SysFlag;
        if (MessageSysFlag.IsDispatchable(sysFlag))
        {
            var topicUtf8 = view.TopicUtf8;
            int topicChars = Encoding.UTF8.GetChars(topicUtf8, _chars);
            var topic = _chars.AsSpan(0, topicChars);
            int queueId = view.QueueId;
            long queueOffset = view.QueueOffset;
            long storeTimestamp = view.StoreTimestamp;
            long tagsCode = TagsCode(view, topic, storeTimestamp);
            var cq = _queues.GetOrCreate(topic, queueId);
            bool written = cq.Put(queueOffset, physicalOffset, view.TotalSize, tagsCode);
            if (written)
            {
                foreach (var dispatcher in _dispatchers())
                {
                    try
                    {
                        dispatcher.Dispatch(new DispatchRequest(cq.Topic, queueId, physicalOffset, view.TotalSize, tagsCode, storeTimestamp, queueOffset, sysFlag, view.Record));
                    }
                    catch (Exception ex)
                    {
                        // Somebody else's code must not stop consume queues from being built.
                        StoreLog.ListenerFailed(_logger, dispatcher.GetType().Name, ex);
                    }
                }
                foreach (var listener in _listeners())
                {
                    try
                    {
                        listener.OnMessageArrived(cq.Topic, queueId, queueOffset, tagsCode, storeTimestamp);
                    }
                    catch (Exception ex)
                    {
                        StoreLog.ListenerFailed(_logger, listener.GetType().Name, ex);
                    }
                }
            }
        }
        _index?.Index(view, physicalOffset);
    }

    /// <summary>Java hash of TAGS; for delayed messages the delivery time (RocketMQ <c>checkMessageAndReturnSize</c>).</summary>
    private long TagsCode(in MessageView view, ReadOnlySpan<char> topic, long storeTimestamp)
    {
        if (topic.SequenceEqual(ScheduleTopic) && view.TryGetProperty("DELAY"u8, out var delay)
            && System.Buffers.Text.Utf8Parser.TryParse(delay, out int level, out _) && level > 0 && _delayLevels.Length > 0)
        {
            return storeTimestamp + _delayLevels[Math.Min(level, _delayLevels.Length) - 1];
        }
        return view.TryGetProperty("TAGS"u8, out var tags) ? JavaHash.TagsCode(tags) : 0;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the dispatch loop between two passes, where no consume-queue write is half
    /// done: work that removes a consume queue cannot race a record on its way into it. Inline when the loop has
    /// not started (recovery); cancelled when the store stops first.
    /// </summary>
    public Task RunBetweenPassesAsync(Action work)
    {
        if (_loop is null)
        {
            work();
            return Task.CompletedTask;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loopWork.Enqueue((work, done));
        // Wakes a parked loop; a stop that began meanwhile still finds the item and cancels it.
        _commitLog.Appended.Set();
        if (_stopping)
        {
            CancelLoopWork();
        }
        return done.Task;
    }

    private void RunLoopWork()
    {
        while (_loopWork.TryDequeue(out var item))
        {
            try
            {
                item.Work();
                item.Done.TrySetResult();
            }
            catch (Exception ex)
            {
                item.Done.TrySetException(ex);
            }
        }
    }

    private void CancelLoopWork()
    {
        while (_loopWork.TryDequeue(out var item))
        {
            item.Done.TrySetCanceled();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await _retryTimer.DisposeAsync().ConfigureAwait(false);
        _commitLog.Appended.Set();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        CancelLoopWork();
        DispatchNotifier.Close();
    }
}
