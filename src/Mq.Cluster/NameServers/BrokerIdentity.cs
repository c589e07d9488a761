namespace Mq.NameServers;

/// <summary>
/// The header fields that identify one broker process to the NameServer (UNREGISTER_BROKER,
/// QUERY_DATA_VERSION and the first four fields of REGISTER_BROKER).
/// </summary>
/// <param name="ClusterName">Cluster name (<c>clusterName</c>).</param>
/// <param name="BrokerName">Broker name shared by a master and its slaves (<c>brokerName</c>).</param>
/// <param name="BrokerAddr"><c>ip:listenPort</c> (<c>brokerAddr</c>).</param>
/// <param name="BrokerId">0 for the master, &gt; 0 for slaves (<c>brokerId</c>).</param>
public readonly record struct BrokerIdentity(string ClusterName, string BrokerName, string BrokerAddr, long BrokerId);
