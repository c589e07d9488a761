namespace Mq.Protocol;

/// <summary>
/// A command header that does not satisfy its contract: a required custom field is missing or a value
/// does not parse (Java's <c>RemotingCommandException</c>, e.g. "the custom field topic is null").
/// A request handler that lets it escape answers SYSTEM_ERROR with this message, like Java.
/// </summary>
public sealed class RemotingCommandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemotingCommandException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the underlying cause.</summary>
    public RemotingCommandException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
