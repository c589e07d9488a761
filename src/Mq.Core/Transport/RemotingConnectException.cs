namespace Mq.Transport;

/// <summary>A connection could not be opened (Java <c>RemotingConnectException</c>).</summary>
public sealed class RemotingConnectException : RemotingException
{
    /// <summary>Creates the exception.</summary>
    public RemotingConnectException(string message, string? address, Exception? innerException = null)
        : base(message, address, innerException)
    {
    }
}
