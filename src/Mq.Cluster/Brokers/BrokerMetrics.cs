using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mq.Protocol;
using Mq.Storage;

namespace Mq.Brokers;

/// <summary>
/// The <c>Mq.Brokers</c> meter of one broker, tagged with its cluster, name, id and address so several brokers in
/// a process stay apart (RocketMQ's <c>BrokerStatsManager</c> figures, as instruments): messages stored per topic,
/// messages delivered per topic and group, send outcomes and durations, and the store's state as gauges.
/// </summary>
/// <remarks>
/// Instruments cost a check of <c>Enabled</c> on the hot paths while nothing listens; the send duration is not
/// even timed then.
/// </remarks>
internal sealed class BrokerMetrics : IDisposable
{
    /// <summary>The meter name to listen to.</summary>
    public const string MeterName = "Mq.Brokers";

    private const string TopicTag = "messaging.destination.name";
    private const string GroupTag = "messaging.consumer.group.name";
    private const string CodeTag = "mq.response.code";

    private readonly Meter _meter;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _sendsFailed;
    private readonly Histogram<double> _sendDuration;

    public BrokerMetrics(Broker broker)
    {
        BrokerOptions options = broker.Options;
        _meter = new Meter(new MeterOptions(MeterName)
        {
            Tags =
            [
                new("mq.broker.cluster", options.BrokerClusterName),
                new("mq.broker.name", options.BrokerName),
                new("mq.broker.id", options.BrokerId),
                new("mq.broker.address", broker.Address),
            ],
        });
        _stored = _meter.CreateCounter<long>("mq.broker.messages.stored", "{message}", "Messages stored, per topic (a batch counts its messages)");
        _delivered = _meter.CreateCounter<long>("mq.broker.messages.delivered", "{message}", "Messages returned by pulls, per topic and consumer group");
        _sendsFailed = _meter.CreateCounter<long>("mq.broker.sends.failed", "{request}", "Send requests answered with an error, per response code");
        _sendDuration = _meter.CreateHistogram<double>("mq.broker.send.duration", "ms",
            "From a send request reaching its handler to its answer, including sync flush and slave acknowledgement waits");
        MessageStore store = broker.Store;
        _meter.CreateObservableUpDownCounter("mq.broker.commitlog.size", () => store.CommitLogMaxOffset - store.CommitLogMinOffset, "By",
            "Commit log bytes between the oldest kept and the newest record");
        _meter.CreateObservableGauge("mq.broker.dispatch.behind", () => Math.Max(0, store.CommitLogMaxOffset - store.DispatchedOffset), "By",
            "Commit log bytes not yet in the consume queues and index");
        _meter.CreateObservableGauge("mq.broker.timer.pending", () => broker.Timers.PendingCount, "{message}",
            "Timer messages (TIMER_DELIVER_MS and friends) waiting for their delivery time");
        _meter.CreateObservableGauge("mq.broker.pull.held", () => broker.PullHolds.Count, "{request}", "Long-polling pull requests waiting for messages");
        _meter.CreateObservableGauge("mq.broker.sends.in_flight", () => broker.InFlightSends, "{request}", "Send requests being processed (flow control bound: MaxInFlightSends)");
        if (broker.Acl is { } acl)
        {
            _meter.CreateObservableCounter("mq.broker.acl.refused", () => acl.Validator.Refusals, "{request}",
                "Requests the ACL check refused (no or unknown access key, bad signature, missing permission)");
        }
        _meter.CreateObservableGauge("mq.broker.writes.refused", () => WriteRefusedMeasurement(store.WriteRefusal), "{state}",
            "1 while the store refuses writes (tagged with the reason: disk full, slave role, failed flush, shutting down), else 0");
    }

    /// <summary>Whether send durations are recorded (so the handler reads the clock only when they are).</summary>
    public bool TimesSends => _sendDuration.Enabled;

    public void Stored(string topic, int messages) => _stored.Add(messages, new KeyValuePair<string, object?>(TopicTag, topic));

    public void Delivered(string topic, string group, int messages) =>
        _delivered.Add(messages, new KeyValuePair<string, object?>(TopicTag, topic), new KeyValuePair<string, object?>(GroupTag, group));

    /// <summary>Records a send's answer: its duration when timed (<paramref name="started"/> non-zero), and the code when it is an error.</summary>
    public void SendAnswered(RemotingCommand? response, long started)
    {
        if (started != 0)
        {
            _sendDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        if (response is not null && response.Code != ResponseCode.Success)
        {
            _sendsFailed.Add(1, new KeyValuePair<string, object?>(CodeTag, response.Code));
        }
    }

    public void Dispose() => _meter.Dispose();

    private static Measurement<int> WriteRefusedMeasurement(WriteRefusal refusal) =>
        new(refusal == WriteRefusal.None ? 0 : 1, new KeyValuePair<string, object?>("mq.store.refusal", RefusalName(refusal)));

    private static string RefusalName(WriteRefusal refusal) => refusal switch
    {
        WriteRefusal.None => "none",
        WriteRefusal.SlaveRole => "slave_role",
        WriteRefusal.DiskFull => "disk_full",
        WriteRefusal.FlushFailed => "flush_failed",
        WriteRefusal.ShuttingDown => "shutting_down",
        _ => "other",
    };
}
