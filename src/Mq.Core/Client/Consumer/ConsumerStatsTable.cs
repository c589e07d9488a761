using System.Collections.Concurrent;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// Per-topic pull and consume figures for GET_CONSUMER_RUNNING_INFO (RocketMQ <c>ConsumerStatsManager</c>). Java
/// reports the last minute; these are averages since the consumer started, which need no sampling timer. Topics
/// are the pulled queues' (a retried message counts under <c>%RETRY%group</c>, as in Java).
/// </summary>
internal sealed class ConsumerStatsTable(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();
    private readonly ConcurrentDictionary<string, TopicStats> _topics = new(StringComparer.Ordinal);

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

    public Dictionary<string, ConsumeStatus> Snapshot()
    {
        double seconds = Math.Max(time.GetElapsedTime(_started).TotalSeconds, 0.001);
        var table = new Dictionary<string, ConsumeStatus>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, TopicStats> topic in _topics)
        {
            TopicStats s = topic.Value;
            long pulls = Interlocked.Read(ref s.Pulls);
            long succeeded = Interlocked.Read(ref s.Succeeded);
            long failed = Interlocked.Read(ref s.Failed);
            table[topic.Key] = new ConsumeStatus
            {
                PullRT = pulls == 0 ? 0 : TimeSpan.FromTicks(Interlocked.Read(ref s.PullTicks) / pulls).TotalMilliseconds,
                PullTPS = Interlocked.Read(ref s.PulledMessages) / seconds,
                ConsumeRT = succeeded + failed == 0 ? 0 : TimeSpan.FromTicks(Interlocked.Read(ref s.ConsumeTicks) / (succeeded + failed)).TotalMilliseconds,
                ConsumeOKTPS = succeeded / seconds,
                ConsumeFailedTPS = failed / seconds,
                ConsumeFailedMsgs = failed,
            };
        }
        return table;
    }

    private TopicStats For(string topic) => _topics.GetOrAdd(topic, static _ => new TopicStats());

    private sealed class TopicStats
    {
        public long Pulls;
        public long PulledMessages;
        public long PullTicks;
        public long Succeeded;
        public long Failed;
        public long ConsumeTicks;
    }
}
