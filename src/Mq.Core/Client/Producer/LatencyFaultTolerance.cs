using System.Collections.Concurrent;

namespace Mq.Client;

/// <summary>
/// Send-latency fault avoidance (RocketMQ <c>MQFaultStrategy</c> + <c>LatencyFaultToleranceImpl</c>, §9.3):
/// a broker whose last send took at least <c>LatencyMax[i]</c> is avoided for <c>NotAvailableDuration[i]</c>.
/// </summary>
internal sealed class LatencyFaultTolerance(TimeProvider time)
{
    private static readonly long[] LatencyMax = [50, 100, 550, 1000, 2000, 3000, 15000];
    private static readonly long[] NotAvailableDuration = [0, 0, 30_000, 60_000, 120_000, 180_000, 600_000];

    /// <summary>The latency a failed send counts as (isolates the broker for 600 s).</summary>
    public const long FailureLatency = 30_000;

    private readonly ConcurrentDictionary<string, (long Latency, long AvailableFrom)> _items = new(StringComparer.Ordinal);

    public static long ComputeNotAvailableDuration(long latencyMs)
    {
        for (int i = LatencyMax.Length - 1; i >= 0; i--)
        {
            if (latencyMs >= LatencyMax[i])
            {
                return NotAvailableDuration[i];
            }
        }
        return 0;
    }

    public void Update(string brokerName, long latencyMs, bool isolation)
    {
        long duration = ComputeNotAvailableDuration(isolation ? FailureLatency : latencyMs);
        _items[brokerName] = (isolation ? FailureLatency : latencyMs, Now() + duration);
    }

    public bool IsAvailable(string brokerName) => !_items.TryGetValue(brokerName, out var item) || Now() >= item.AvailableFrom;

    /// <summary>The "least bad" broker among the unavailable ones (lowest latency, then earliest available), or null.</summary>
    public string? PickLeastBad()
    {
        string? best = null;
        (long Latency, long AvailableFrom) bestItem = default;
        foreach (KeyValuePair<string, (long Latency, long AvailableFrom)> entry in _items)
        {
            if (best is null || entry.Value.Latency < bestItem.Latency
                || (entry.Value.Latency == bestItem.Latency && entry.Value.AvailableFrom < bestItem.AvailableFrom))
            {
                best = entry.Key;
                bestItem = entry.Value;
            }
        }
        return best;
    }

    public void Remove(string brokerName) => _items.TryRemove(brokerName, out _);

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
