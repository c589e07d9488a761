namespace Mq.Protocol;

/// <summary>
/// A frame that cannot be decoded: negative or oversized length, unknown serialize type, malformed
/// header. The connection that produced it is closed (as Java does); the node carries on.
/// </summary>
public sealed class RemotingProtocolException : Exception
{
    /// <summary>Creates the exception with a description of what was wrong.</summary>
    public RemotingProtocolException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a description and the underlying cause.</summary>
    public RemotingProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
