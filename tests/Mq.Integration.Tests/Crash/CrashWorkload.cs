using System.Collections.Concurrent;
using System.Globalization;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.TestKit.Brokers;
using Mq.Transport;

namespace Mq.Tests.Crash;

/// <summary>One message the workload tried to send; <see cref="QueueOffset"/> and <see cref="PhysicalOffset"/> are set once acknowledged.</summary>
internal sealed class SentMessage(int id, int cycle, int queueId, byte[] body, string keys, string tags)
{
    public int Id { get; } = id;
    public int Cycle { get; } = cycle;
    public int QueueId { get; } = queueId;
    public byte[] Body { get; } = body;
    public string Keys { get; } = keys;
    public string Tags { get; } = tags;
    public bool Acknowledged { get; set; }
    public long QueueOffset { get; set; } = -1;
    public long PhysicalOffset { get; set; } = -1;
}

/// <summary>
/// The seeded send/consume workload of the crash tests: producers send continuously through raw remoting clients
/// and remember what was acknowledged (SEND_OK with its queue offset and physical offset); a consumer pulls every
/// queue and commits its offsets; <see cref="VerifyAsync"/> reads every queue from 0 and checks each record.
/// </summary>
internal sealed class CrashWorkload
{
    public const string Topic = "CrashTopic";
    public const string Group = "CrashGroup";
    public const int Queues = 4;
    public const string IdProperty = "crashId";

    private readonly int _seed;
    private readonly ConcurrentDictionary<int, SentMessage> _sent = new();
    private readonly long[] _next = new long[Queues];
    private readonly long[] _committed = new long[Queues];

    /// <summary>
    /// The last offset sent in a commit: a kill between the broker applying it and its answer arriving leaves
    /// the broker ahead of <see cref="_committed"/> without skipping anything the consumer had not read.
    /// </summary>
    private readonly long[] _commitSent = new long[Queues];
    private readonly HashSet<long>[] _consumed = [.. Enumerable.Range(0, Queues).Select(_ => new HashSet<long>())];
    private readonly List<string> _errors = [];
    private int _nextId;
    private int _cycleAcks;
    private int _ackTarget = int.MaxValue;
    private TaskCompletionSource _targetReached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CrashWorkload(int seed) => _seed = seed;

    public int Attempted => Volatile.Read(ref _nextId);

    public int Acknowledged => _sent.Values.Count(m => m.Acknowledged);

    public long Redelivered { get; private set; }

    public long Consumed { get; private set; }

    /// <summary>Sum over restarts and queues of committed minus restored offsets (what the consumer may see again).</summary>
    public long ResumeLag { get; private set; }

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Deterministic body of message <paramref name="id"/>: 16 B to 3 KiB of seeded bytes.</summary>
    private byte[] BodyOf(int id)
    {
        var random = new Random(HashCode.Combine(_seed, id));
        byte[] body = new byte[16 + random.Next(3 * 1024)];
        random.NextBytes(body);
        return body;
    }

    /// <summary>Arms the kill trigger: completes once <paramref name="acks"/> more sends are acknowledged.</summary>
    public Task ArmAsync(int acks)
    {
        _targetReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _cycleAcks, 0);
        Volatile.Write(ref _ackTarget, acks);
        return _targetReached.Task;
    }

    private void Error(string message)
    {
        lock (_errors)
        {
            _errors.Add(message);
        }
    }

    /// <summary>Sends until the broker goes away (<paramref name="killed"/> set) or <paramref name="stop"/> fires.</summary>
    public async Task ProduceAsync(BrokerTestClient client, int cycle, Func<bool> killed, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            int id = Interlocked.Increment(ref _nextId) - 1;
            var message = new SentMessage(id, cycle, id % Queues, BodyOf(id), "k" + id.ToString(CultureInfo.InvariantCulture), "T" + (id % 3).ToString(CultureInfo.InvariantCulture));
            _sent[id] = message;
            string properties = BrokerTestClient.Properties(("KEYS", message.Keys), ("TAGS", message.Tags),
                (IdProperty, id.ToString(CultureInfo.InvariantCulture)), ("crashCycle", cycle.ToString(CultureInfo.InvariantCulture)));
            RemotingCommand response;
            try
            {
                response = await client.SendAsync(Topic, message.Body, properties, message.QueueId, defaultTopicQueueNums: Queues).ConfigureAwait(false);
            }
            catch (Exception e) when (killed() || stop.IsCancellationRequested)
            {
                _ = e; // The broker was killed under this send: its outcome is unknown, which is allowed.
                return;
            }
            catch (Exception e)
            {
                Error($"send {id} failed while the broker was up: {e.GetType().Name}: {e.Message}");
                return;
            }
            using (response)
            {
                if (response.Code != ResponseCode.Success)
                {
                    // Not acknowledged (e.g. FLUSH_DISK_TIMEOUT under load): may or may not be stored; never counted.
                    continue;
                }
                string msgId = response.ExtFields["msgId"]!;
                if (!OffsetMessageId.TryParse(msgId, out _, out long physical))
                {
                    Error($"send {id}: bad msgId {msgId}");
                    return;
                }
                message.QueueOffset = long.Parse(response.ExtFields["queueOffset"]!, CultureInfo.InvariantCulture);
                message.PhysicalOffset = physical;
                message.Acknowledged = true;
            }
            if (Interlocked.Increment(ref _cycleAcks) >= Volatile.Read(ref _ackTarget))
            {
                _targetReached.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Pulls every queue from where the consumer is, checks each message, commits the new offsets
    /// (UPDATE_CONSUMER_OFFSET, answered) and long-polls when caught up. Stops when the broker goes away or
    /// <paramref name="stop"/> fires; with <paramref name="drainTo"/> it returns once every queue reached those offsets.
    /// </summary>
    public async Task ConsumeAsync(BrokerTestClient client, Func<bool> killed, CancellationToken stop, long[]? drainTo = null)
    {
        while (!stop.IsCancellationRequested)
        {
            bool drained = drainTo is not null;
            for (int q = 0; q < Queues; q++)
            {
                if (drainTo is not null && _next[q] >= drainTo[q])
                {
                    continue;
                }
                drained = false;
                try
                {
                    using RemotingCommand pull = await client.PullAsync(Group, Topic, q, _next[q], maxMsgNums: 32, suspendMillis: drainTo is null ? 200 : 0,
                        timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                    if (pull.Code == ResponseCode.Success)
                    {
                        foreach (DecodedMessage message in BrokerTestClient.DecodeAll(pull.Body.Span))
                        {
                            string? problem = Check(message, q, expectedOffset: null);
                            if (problem is not null)
                            {
                                Error("consumer: " + problem);
                            }
                            Consumed++;
                            if (!_consumed[q].Add(message.QueueOffset))
                            {
                                Redelivered++;
                            }
                        }
                    }
                    if (pull.ExtFields["nextBeginOffset"] is { } nextText)
                    {
                        long nextBegin = long.Parse(nextText, CultureInfo.InvariantCulture);
                        if (nextBegin > _next[q] + 32 || nextBegin < _next[q])
                        {
                            Error($"consumer: queue {q} jumped from {_next[q]} to {nextBegin} ({pull.Code} {pull.Remark})");
                        }
                        _next[q] = nextBegin;
                    }
                    _commitSent[q] = _next[q];
                    using RemotingCommand commit = await client.InvokeAsync(RequestCode.UpdateConsumerOffset,
                        new UpdateConsumerOffsetRequestHeader { ConsumerGroup = Group, Topic = Topic, QueueId = q, CommitOffset = _next[q] }).ConfigureAwait(false);
                    if (commit.Code == ResponseCode.Success)
                    {
                        _committed[q] = _next[q];
                    }
                }
                catch (Exception e) when (killed() || stop.IsCancellationRequested)
                {
                    _ = e;
                    return;
                }
                catch (Exception e)
                {
                    Error($"consumer on queue {q} failed while the broker was up: {e.GetType().Name}: {e.Message}");
                    return;
                }
            }
            if (drained)
            {
                return;
            }
        }
    }

    /// <summary>
    /// After a restart: the consumer resumes from the broker's committed offsets, which must lie between what was on
    /// disk before the kill (<paramref name="persisted"/>) and what the consumer had committed (nothing skipped).
    /// </summary>
    public async Task ResumeAsync(BrokerTestClient client, long[] persisted, int cycle)
    {
        for (int q = 0; q < Queues; q++)
        {
            using RemotingCommand query = await client.InvokeAsync(RequestCode.QueryConsumerOffset,
                new QueryConsumerOffsetRequestHeader { ConsumerGroup = Group, Topic = Topic, QueueId = q }).ConfigureAwait(false);
            long restored = query.Code == ResponseCode.Success ? long.Parse(query.ExtFields["offset"]!, CultureInfo.InvariantCulture) : 0;
            if (restored > _commitSent[q])
            {
                Error($"cycle {cycle}: queue {q} resumes at {restored}, beyond the last commit sent ({_commitSent[q]}, acknowledged {_committed[q]}): messages would be skipped");
            }
            if (restored < persisted[q])
            {
                Error($"cycle {cycle}: queue {q} resumes at {restored}, before the {persisted[q]} already persisted: a persisted offset was lost");
            }
            ResumeLag += Math.Max(0, _committed[q] - restored);
            _next[q] = restored;
            _committed[q] = restored;
            _commitSent[q] = restored;
        }
    }

    /// <summary>The consumer's offsets as persisted in the store's config/consumerOffset.json (0 when not written yet).</summary>
    public static long[] PersistedOffsets(string storeDir)
    {
        long[] offsets = new long[Queues];
        string path = Path.Combine(storeDir, "config", "consumerOffset.json");
        if (!File.Exists(path))
        {
            return offsets;
        }
        var table = Protocol.Body.ConsumerOffsetSerializeWrapper.Decode(File.ReadAllBytes(path)).OffsetTable;
        if (table.TryGetValue(Topic + "@" + Group, out Dictionary<int, long>? queues))
        {
            foreach ((int q, long offset) in queues)
            {
                offsets[q] = offset;
            }
        }
        return offsets;
    }

    public long[] CommittedOffsets => [.. _committed];

    /// <summary>Queue offsets the consumer has not yet seen below <paramref name="max"/> (must be none at the end).</summary>
    public List<string> Gaps(long[] max)
    {
        var gaps = new List<string>();
        for (int q = 0; q < Queues; q++)
        {
            for (long o = 0; o < max[q]; o++)
            {
                if (!_consumed[q].Contains(o))
                {
                    gaps.Add($"{q}:{o}");
                }
            }
        }
        return gaps;
    }

    /// <summary>
    /// Reads every queue from 0 with a fresh group: offsets are contiguous, each record is a message this workload
    /// sent (body and properties byte for byte, CRC checked), each acknowledged message is found at the queue offset
    /// and physical offset its SEND_OK named, and nothing appears twice. Returns the queue ends and counts.
    /// </summary>
    public async Task<(long[] Max, int Verified, int SurvivedUnacknowledged)> VerifyAsync(BrokerTestClient client, string label)
    {
        var seen = new HashSet<int>();
        long[] max = new long[Queues];
        int survived = 0;
        for (int q = 0; q < Queues; q++)
        {
            long offset = 0;
            while (true)
            {
                using RemotingCommand pull = await client.PullAsync("CrashAudit", Topic, q, offset, maxMsgNums: 32).ConfigureAwait(false);
                if (pull.Code != ResponseCode.Success)
                {
                    string? maxText = pull.ExtFields["maxOffset"];
                    if (pull.Code is not (ResponseCode.PullNotFound or ResponseCode.PullRetryImmediately)
                        || (maxText is not null && long.Parse(maxText, CultureInfo.InvariantCulture) != offset))
                    {
                        Error($"{label}: queue {q} read stopped at {offset}: {pull.Code} {pull.Remark} maxOffset={maxText}");
                    }
                    break;
                }
                foreach (DecodedMessage message in BrokerTestClient.DecodeAll(pull.Body.Span))
                {
                    string? problem = Check(message, q, offset);
                    if (problem is not null)
                    {
                        Error($"{label}: {problem}");
                    }
                    else if (!seen.Add(int.Parse(message.Properties[IdProperty], CultureInfo.InvariantCulture)))
                    {
                        Error($"{label}: message {message.Properties[IdProperty]} appears twice (queue {q} offset {offset})");
                    }
                    else if (!_sent[int.Parse(message.Properties[IdProperty], CultureInfo.InvariantCulture)].Acknowledged)
                    {
                        survived++;
                    }
                    offset++;
                }
            }
            max[q] = offset;
        }
        int verified = 0;
        foreach (SentMessage message in _sent.Values)
        {
            if (!message.Acknowledged)
            {
                continue;
            }
            if (seen.Contains(message.Id))
            {
                verified++;
            }
            else
            {
                Error($"{label}: acknowledged message {message.Id} (cycle {message.Cycle}, queue {message.QueueId} offset {message.QueueOffset}, physical {message.PhysicalOffset}) is missing");
            }
        }
        return (max, verified, survived);
    }

    /// <summary>Checks one read record against what was sent; null when it matches.</summary>
    private string? Check(DecodedMessage message, int queueId, long? expectedOffset)
    {
        if (message.Topic != Topic || message.QueueId != queueId)
        {
            return $"record at queue {queueId} offset {message.QueueOffset} belongs to {message.Topic}/{message.QueueId}";
        }
        if (expectedOffset is { } expected && message.QueueOffset != expected)
        {
            return $"queue {queueId}: expected offset {expected}, read {message.QueueOffset} (a consume-queue entry is missing or out of order)";
        }
        if (!message.Properties.TryGetValue(IdProperty, out string? idText) || !int.TryParse(idText, CultureInfo.InvariantCulture, out int id)
            || !_sent.TryGetValue(id, out SentMessage? sent))
        {
            return $"queue {queueId} offset {message.QueueOffset}: a record this workload never sent";
        }
        if (sent.QueueId != queueId || !message.Body.AsSpan().SequenceEqual(sent.Body)
            || message.Keys != sent.Keys || message.Tags != sent.Tags)
        {
            return $"message {id} at queue {queueId} offset {message.QueueOffset}: body or properties differ from what was sent";
        }
        if (sent.Acknowledged && (sent.QueueOffset != message.QueueOffset || sent.PhysicalOffset != message.CommitLogOffset))
        {
            return $"message {id}: acknowledged at queue offset {sent.QueueOffset} / physical {sent.PhysicalOffset}, read at {message.QueueOffset} / {message.CommitLogOffset}";
        }
        return null;
    }
}
