using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// Counts the runtime's sampled allocation events (one per ~100 KB allocated) by type, in process: which
/// types the send path allocates, without an external tracer. Diagnostics for the send latency probe.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private volatile bool _recording;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    public IEnumerable<KeyValuePair<string, long>> Top(int count) =>
        _bytes.OrderByDescending(static p => p.Value).Take(count);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        int typeIndex = e.PayloadNames!.IndexOf("TypeName");
        int sizeIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        if (typeIndex < 0 || sizeIndex < 0)
        {
            return;
        }
        string type = e.Payload[typeIndex] as string ?? "?";
        long size = Convert.ToInt64(e.Payload[sizeIndex], System.Globalization.CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, size, (_, old) => old + size);
    }
}
