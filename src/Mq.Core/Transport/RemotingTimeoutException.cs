namespace Mq.Transport;

/// <summary>No response arrived within the timeout (Java <c>RemotingTimeoutException</c>).</summary>
public sealed class RemotingTimeoutException : RemotingException
{
    /// <summary>Creates the exception.</summary>
    public RemotingTimeoutException(string message, string? address, TimeSpan timeout)
        : base(message, address)
    {
        Timeout = timeout;
    }

    /// <summary>The timeout that expired.</summary>
    public TimeSpan Timeout { get; }
}
