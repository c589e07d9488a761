namespace Mq.NameServers;

/// <summary>A broker address dropped by expiry or a closed connection.</summary>
/// <param name="BrokerAddr">The removed address.</param>
/// <param name="Connection">
/// The connection key it registered with, or null. After an expiry the node should close that connection,
/// as RocketMQ does (a broker that stopped registering may hold a stuck channel).
/// </param>
public readonly record struct RemovedBroker(string BrokerAddr, object? Connection);
