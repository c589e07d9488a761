namespace Mq.Protocol;

/// <summary>
/// How a frame's header is serialised: the high byte of the header-length word
/// (RocketMQ <c>SerializeType</c>). A response uses its request's type.
/// </summary>
public enum SerializeType : byte
{
    /// <summary>JSON header (fastjson bean of <c>RemotingCommand</c>); the default, and the only one ali-ons reads.</summary>
    Json = 0,

    /// <summary>ROCKETMQ binary header (<c>RocketMQSerializable</c>).</summary>
    RocketMq = 1,
}
