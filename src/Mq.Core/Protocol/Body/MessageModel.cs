namespace Mq.Protocol.Body;

/// <summary>Java <c>MessageModel</c>.</summary>
public enum MessageModel
{
    /// <summary><c>BROADCASTING</c>: every consumer gets every message.</summary>
    Broadcasting,

    /// <summary><c>CLUSTERING</c>: the group shares the queues.</summary>
    Clustering,
}
