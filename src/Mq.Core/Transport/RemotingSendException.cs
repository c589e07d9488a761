namespace Mq.Transport;

/// <summary>
/// A request could not be written, or its connection closed before the response arrived
/// (Java <c>RemotingSendRequestException</c>).
/// </summary>
public sealed class RemotingSendException : RemotingException
{
    /// <summary>Creates the exception.</summary>
    public RemotingSendException(string message, string? address, Exception? innerException = null)
        : base(message, address, innerException)
    {
    }
}
