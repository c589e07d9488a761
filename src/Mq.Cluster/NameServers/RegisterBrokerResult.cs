namespace Mq.NameServers;

/// <summary>What a registering slave learns about its master (RocketMQ <c>RegisterBrokerResult</c>).</summary>
/// <param name="MasterAddr">The master's address, for a slave whose master is registered; otherwise null.</param>
/// <param name="HaServerAddr">The master's HA address, for a slave whose master is registered; otherwise null.</param>
public readonly record struct RegisterBrokerResult(string? MasterAddr, string? HaServerAddr);
