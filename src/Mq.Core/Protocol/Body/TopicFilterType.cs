namespace Mq.Protocol.Body;

/// <summary>Java <c>TopicFilterType</c>.</summary>
public enum TopicFilterType
{
    /// <summary><c>SINGLE_TAG</c> (the default).</summary>
    SingleTag,

    /// <summary><c>MULTI_TAG</c>.</summary>
    MultiTag,
}
