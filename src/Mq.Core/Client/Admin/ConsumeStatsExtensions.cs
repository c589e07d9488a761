using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>Figures derived from <see cref="ConsumeStats"/>.</summary>
public static class ConsumeStatsExtensions
{
    /// <summary>Messages the group has not consumed yet: broker offset minus consumer offset, summed over the queues (Java <c>computeTotalDiff</c>).</summary>
    public static long TotalLag(this ConsumeStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        long lag = 0;
        foreach (OffsetWrapper offset in stats.OffsetTable.Values)
        {
            lag += offset.BrokerOffset - offset.ConsumerOffset;
        }
        return lag;
    }
}
