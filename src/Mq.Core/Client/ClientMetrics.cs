using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mq.Client;

/// <summary>
/// Client instruments (meter and activity source "Mq.Client"): sends, send latency, received and
/// consumed messages, consume latency, consumer lag. One meter per client instance (no static state).
/// </summary>
internal sealed class ClientMetrics : IDisposable
{
    /// <summary>Name of the meter and the activity source.</summary>
    public const string Name = "Mq.Client";

    /// <summary>The W3C trace-context property carried in messages.</summary>
    public const string TraceParentProperty = "traceparent";

    private readonly Meter _meter;

    public ClientMetrics(IMeterFactory? factory)
    {
        _meter = factory?.Create(Name) ?? new Meter(Name);
        Sends = _meter.CreateCounter<long>("mq.client.sends", "{message}", "Messages sent, tagged by outcome");
        SendLatency = _meter.CreateHistogram<double>("mq.client.send.duration", "ms", "Time from send to broker acknowledgement");
        Received = _meter.CreateCounter<long>("mq.client.received", "{message}", "Messages pulled");
        Consumed = _meter.CreateCounter<long>("mq.client.consumed", "{message}", "Messages handled, tagged by outcome");
        ConsumeLatency = _meter.CreateHistogram<double>("mq.client.consume.duration", "ms", "Handler duration");
        Lag = _meter.CreateHistogram<long>("mq.client.lag", "{message}", "Broker max offset minus the next pull offset, per pull");
    }

    public ActivitySource Activities { get; } = new(Name);

    public Counter<long> Sends { get; }

    public Histogram<double> SendLatency { get; }

    public Counter<long> Received { get; }

    public Counter<long> Consumed { get; }

    public Histogram<double> ConsumeLatency { get; }

    public Histogram<long> Lag { get; }

    public void Dispose()
    {
        Activities.Dispose();
        _meter.Dispose();
    }
}
