namespace Mq.Transport;

/// <summary>Base of the transport's failures (Java <c>RemotingException</c>).</summary>
public abstract class RemotingException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected RemotingException(string message, string? address, Exception? innerException = null)
        : base(message, innerException)
    {
        Address = address;
    }

    /// <summary>The remote address ("host:port") involved, when known.</summary>
    public string? Address { get; }
}
