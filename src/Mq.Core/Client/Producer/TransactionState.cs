namespace Mq.Client;

/// <summary>The outcome of a local transaction (Java <c>LocalTransactionState</c>).</summary>
public enum TransactionState
{
    /// <summary>Not decided yet: the broker will ask again through the check-back handler.</summary>
    Unknown,

    /// <summary>Commit: the half message becomes visible to consumers.</summary>
    Commit,

    /// <summary>Roll back: the half message is discarded.</summary>
    Rollback,
}
