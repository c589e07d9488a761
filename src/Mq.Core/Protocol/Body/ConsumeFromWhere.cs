namespace Mq.Protocol.Body;

/// <summary>Java <c>ConsumeFromWhere</c>, in Java's declaration order (fastjson accepts ordinals).</summary>
public enum ConsumeFromWhere
{
    /// <summary><c>CONSUME_FROM_LAST_OFFSET</c>.</summary>
    ConsumeFromLastOffset,

    /// <summary><c>CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST</c> (deprecated).</summary>
    ConsumeFromLastOffsetAndFromMinWhenBootFirst,

    /// <summary><c>CONSUME_FROM_MIN_OFFSET</c> (deprecated).</summary>
    ConsumeFromMinOffset,

    /// <summary><c>CONSUME_FROM_MAX_OFFSET</c> (deprecated).</summary>
    ConsumeFromMaxOffset,

    /// <summary><c>CONSUME_FROM_FIRST_OFFSET</c>.</summary>
    ConsumeFromFirstOffset,

    /// <summary><c>CONSUME_FROM_TIMESTAMP</c>.</summary>
    ConsumeFromTimestamp,
}
