namespace Mq.Storage.Abstractions;

/// <summary>Receives every committed, dispatchable record after the built-in consume queue and index (RocketMQ <c>CommitLogDispatcher</c>).</summary>
public interface ICommitLogDispatcher
{
    /// <summary>Handles one record; <paramref name="request"/> is only valid during the call.</summary>
    void Dispatch(in DispatchRequest request);
}
