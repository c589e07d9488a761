namespace Mq.Protocol;

/// <summary>
/// The <c>version</c> field: an ordinal of Java's <c>MQVersion.Version</c> enum. Every Java process stamps
/// its requests and responses with its own version; so do we.
/// </summary>
public static class RemotingVersion
{
    /// <summary><c>V4_9_8</c>: what our nodes and clients send (≥ 401 makes name servers answer standard JSON).</summary>
    public const int Current = 409;

    /// <summary><c>V3_0_11</c>: REGISTER_BROKER from this version on carries a <c>RegisterBrokerBody</c>.</summary>
    public const int V3_0_11 = 37;

    /// <summary><c>V3_4_9</c>: ali-ons' constant; brokers honour <c>maxReconsumeTimes</c> from this version on.</summary>
    public const int V3_4_9 = 121;

    /// <summary><c>V4_9_4</c>: name servers return standard JSON route data to requests of this version or later.</summary>
    public const int V4_9_4 = 401;
}
