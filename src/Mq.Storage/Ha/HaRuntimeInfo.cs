namespace Mq.Storage.Ha;

/// <summary>
/// A master's view of its replication (RocketMQ <c>HAService</c> runtime info): what the broker needs for
/// SYNC_MASTER decisions, <c>suggestWhichBrokerId</c> and the runtime-info admin command.
/// </summary>
/// <param name="ConnectedSlaves">Slave connections open right now.</param>
/// <param name="MasterMaxOffset">End of the master's commit log.</param>
/// <param name="Push2SlaveMaxOffset">Highest offset any slave reported (0 before the first report).</param>
public readonly record struct HaRuntimeInfo(int ConnectedSlaves, long MasterMaxOffset, long Push2SlaveMaxOffset)
{
    /// <summary>Bytes the best slave is behind the master (0 when none is connected).</summary>
    public long SlaveLagBytes => ConnectedSlaves > 0 ? Math.Max(0, MasterMaxOffset - Push2SlaveMaxOffset) : 0;
}
