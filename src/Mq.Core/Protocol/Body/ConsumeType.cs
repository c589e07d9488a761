namespace Mq.Protocol.Body;

/// <summary>How a consumer group fetches (Java <c>ConsumeType</c>; written by name).</summary>
public enum ConsumeType
{
    /// <summary><c>CONSUME_ACTIVELY</c>: pull consumer.</summary>
    ConsumeActively,

    /// <summary><c>CONSUME_PASSIVELY</c>: push consumer.</summary>
    ConsumePassively,
}
