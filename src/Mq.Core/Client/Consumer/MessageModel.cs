namespace Mq.Client;

/// <summary>How a group shares messages.</summary>
public enum ConsumerMessageModel
{
    /// <summary>Each message goes to one consumer of the group; offsets live on the broker (default).</summary>
    Clustering,

    /// <summary>Every consumer receives every message; offsets live in a local file.</summary>
    Broadcasting,
}
