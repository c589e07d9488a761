using Microsoft.Extensions.Logging;
using Mq.Brokers;
using Mq.Storage;

namespace Mq.Testing;

/// <summary>Shape of an <see cref="MqCluster"/>: how many nodes, and broker settings shared by every group.</summary>
public sealed class MqClusterOptions
{
    /// <summary>Number of NameServers (default 1; at least 1).</summary>
    public int NameServers { get; set; } = 1;

    /// <summary>Number of broker groups, each one master named <c>broker-a</c>, <c>broker-b</c>... (default 1; at least 1).</summary>
    public int BrokerGroups { get; set; } = 1;

    /// <summary>
    /// Slaves per group (default 0). Must be 0: the fixture starts masters only, because the broker has no
    /// replication wiring for a slave role yet.
    /// </summary>
    public int SlavesPerGroup { get; set; }

    /// <summary>Cluster name given to every broker (default <c>DefaultCluster</c>).</summary>
    public string ClusterName { get; set; } = "DefaultCluster";

    /// <summary>
    /// Whether brokers create unknown topics on first send (default true, as a RocketMQ broker). Clients
    /// that do not fall back to <c>TBW102</c> (ali-ons) still need <see cref="MqCluster.CreateTopicAsync"/>.
    /// </summary>
    public bool AutoCreateTopic { get; set; } = true;

    /// <summary>Flush policy of every broker (default async: fast; a process crash may lose the tail of the log).</summary>
    public FlushDiskType FlushDiskType { get; set; } = FlushDiskType.AsyncFlush;

    /// <summary>Called for every broker's options after the fixture set its own (ports, folders, names): the last word.</summary>
    public Action<BrokerOptions>? ConfigureBroker { get; set; }

    /// <summary>Logger factory for every node (default: none, nodes stay silent).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Where the temporary store folders go (default: the system temp folder).</summary>
    public string? RootDirectory { get; set; }

    internal void Validate()
    {
        if (NameServers < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NameServers), NameServers, "An MqCluster needs at least one NameServer.");
        }
        if (BrokerGroups < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BrokerGroups), BrokerGroups, "An MqCluster needs at least one broker group.");
        }
        if (SlavesPerGroup != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(SlavesPerGroup), SlavesPerGroup,
                "MqCluster starts masters only: slave brokers are not supported by this fixture yet; set SlavesPerGroup to 0.");
        }
        if (string.IsNullOrWhiteSpace(ClusterName))
        {
            throw new ArgumentException("ClusterName must not be empty.", nameof(ClusterName));
        }
    }
}
