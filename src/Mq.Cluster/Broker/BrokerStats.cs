namespace Mq.Broker;

/// <summary>Broker counters (RocketMQ <c>BrokerStatsManager</c> subset).</summary>
internal sealed class BrokerStats
{
    /// <summary>Messages stored.</summary>
    public long PutMessages;

    /// <summary>Messages returned by pulls.</summary>
    public long GetMessages;
}
