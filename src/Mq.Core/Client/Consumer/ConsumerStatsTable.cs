using System.Collections.Concurrent;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// Per-topic pull and consume figures for GET_CONSUMER_RUNNING_INFO (RocketMQ <c>ConsumerStatsManager</c>). Running
/// counts are snapshotted every 10 s; rates and mean times cover the last minute (from the oldest snapshot kept to
/// now), failed messages the last hour, as Java reports them. Topics are the pulled queues' (a retried message
/// counts under <c>%RETRY%group</c>, as in Java).
/// </summary>
internal sealed class ConsumerStatsTable(TimeProvider time) : IDisposable
{
    /// <summary>How often the counts are snapshotted.</summary>
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromSeconds(10);

    private const int MinuteSnapshots = 6;
    private const int HourSnapshots = 6;
    private const int SamplesPerHourSnapshot = 60;

    private readonly ConcurrentDictionary<string, TopicStats> _topics = new(StringComparer.Ordinal);
    private ITimer? _sampler;
    private long _samples;

    /// <summary>Snapshots every <see cref="SamplePeriod"/> from now on (the consumer's start).</summary>
    public void StartSampling() => _sampler ??= time.CreateTimer(static s => ((ConsumerStatsTable)s!).Sample(), this, SamplePeriod, SamplePeriod);

    public void Pulled(string topic, int messages, TimeSpan roundTrip)
    {
        TopicStats stats = For(topic);
        Interlocked.Increment(ref stats.Pulls);
        Interlocked.Add(ref stats.PulledMessages, messages);
        Interlocked.Add(ref stats.PullTicks, roundTrip.Ticks);
    }

    public void Consumed(string topic, bool succeeded, TimeSpan took)
    {
        TopicStats stats = For(topic);
        Interlocked.Increment(ref succeeded ? ref stats.Succeeded : ref stats.Failed);
        Interlocked.Add(ref stats.ConsumeTicks, took.Ticks);
    }

    /// <summary>Takes the snapshots of one period (the timer's work; tests call it directly).</summary>
    public void Sample()
    {
        bool hourly = Interlocked.Increment(ref _samples) % SamplesPerHourSnapshot == 0;
        foreach (TopicStats stats in _topics.Values)
        {
            Point now = stats.Now(time);
            lock (stats)
            {
                Keep(stats.Minute, now, MinuteSnapshots);
                if (hourly)
                {
                    Keep(stats.Hour, now, HourSnapshots);
                }
            }
        }
    }

    public Dictionary<string, ConsumeStatus> Snapshot()
    {
        var table = new Dictionary<string, ConsumeStatus>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, TopicStats> topic in _topics)
        {
            TopicStats stats = topic.Value;
            Point last = stats.Now(time);
            Point minute;
            Point hour;
            lock (stats)
            {
                minute = stats.Minute.Count > 0 ? stats.Minute.Peek() : stats.Origin;
                hour = stats.Hour.Count > 0 ? stats.Hour.Peek() : stats.Origin;
            }
            double seconds = time.GetElapsedTime(minute.Timestamp, last.Timestamp).TotalSeconds;
            long pulls = last.Pulls - minute.Pulls;
            long consumed = last.Succeeded + last.Failed - minute.Succeeded - minute.Failed;
            table[topic.Key] = new ConsumeStatus
            {
                PullRT = pulls == 0 ? 0 : TimeSpan.FromTicks((last.PullTicks - minute.PullTicks) / pulls).TotalMilliseconds,
                PullTPS = seconds <= 0 ? 0 : (last.PulledMessages - minute.PulledMessages) / seconds,
                ConsumeRT = consumed == 0 ? 0 : TimeSpan.FromTicks((last.ConsumeTicks - minute.ConsumeTicks) / consumed).TotalMilliseconds,
                ConsumeOKTPS = seconds <= 0 ? 0 : (last.Succeeded - minute.Succeeded) / seconds,
                ConsumeFailedTPS = seconds <= 0 ? 0 : (last.Failed - minute.Failed) / seconds,
                ConsumeFailedMsgs = last.Failed - hour.Failed,
            };
        }
        return table;
    }

    public void Dispose() => _sampler?.Dispose();

    private static void Keep(Queue<Point> snapshots, Point now, int count)
    {
        snapshots.Enqueue(now);
        if (snapshots.Count > count)
        {
            snapshots.Dequeue();
        }
    }

    private TopicStats For(string topic) => _topics.GetOrAdd(topic, static (_, time) => new TopicStats(time), time);

    private sealed class TopicStats(TimeProvider time)
    {
        public long Pulls;
        public long PulledMessages;
        public long PullTicks;
        public long Succeeded;
        public long Failed;
        public long ConsumeTicks;

        /// <summary>Zero counts when the topic was first seen: the start of every window until a snapshot exists.</summary>
        public Point Origin { get; } = new(time.GetTimestamp(), 0, 0, 0, 0, 0, 0);

        public Queue<Point> Minute { get; } = new();

        public Queue<Point> Hour { get; } = new();

        public Point Now(TimeProvider clock) => new(clock.GetTimestamp(), Interlocked.Read(ref Pulls), Interlocked.Read(ref PulledMessages),
            Interlocked.Read(ref PullTicks), Interlocked.Read(ref Succeeded), Interlocked.Read(ref Failed), Interlocked.Read(ref ConsumeTicks));
    }

    private readonly record struct Point(long Timestamp, long Pulls, long PulledMessages, long PullTicks, long Succeeded, long Failed, long ConsumeTicks);
}
