using Microsoft.Extensions.Logging;
using Mq.Brokers;
using Mq.Storage;

namespace Mq.Testing;

/// <summary>Shape of an <see cref="MqCluster"/>: how many nodes, and broker settings shared by every group.</summary>
public sealed class MqClusterOptions
{
    /// <summary>Number of NameServers (default 1; at least 1).</summary>
    public int NameServers { get; set; } = 1;

    /// <summary>Number of broker groups, each a master (plus <see cref="SlavesPerGroup"/> slaves) named <c>broker-a</c>, <c>broker-b</c>... (default 1; at least 1).</summary>
    public int BrokerGroups { get; set; } = 1;

    /// <summary>
    /// Slaves per group (default 0): each group gets slaves with brokerId 1..N (role SLAVE) replicating from
    /// its master, started after the masters so their first registration already learns the master.
    /// </summary>
    public int SlavesPerGroup { get; set; }

    /// <summary>Role of every master: <see cref="BrokerRole.AsyncMaster"/> (default) or <see cref="BrokerRole.SyncMaster"/>.</summary>
    public BrokerRole MasterRole { get; set; } = BrokerRole.AsyncMaster;

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
        if (SlavesPerGroup is < 0 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(SlavesPerGroup), SlavesPerGroup, "SlavesPerGroup must be 0-8.");
        }
        if (MasterRole == BrokerRole.Slave)
        {
            throw new ArgumentOutOfRangeException(nameof(MasterRole), MasterRole, "MasterRole must be AsyncMaster or SyncMaster.");
        }
        if (string.IsNullOrWhiteSpace(ClusterName))
        {
            throw new ArgumentException("ClusterName must not be empty.", nameof(ClusterName));
        }
    }
}
