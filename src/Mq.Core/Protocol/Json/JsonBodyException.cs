namespace Mq.Protocol.Json;

/// <summary>
/// A JSON body (or a persisted JSON file) could not be read: malformed syntax, a value of the wrong
/// shape, or a number out of range. <see cref="Position"/> is the byte offset where reading stopped.
/// </summary>
public sealed class JsonBodyException : FormatException
{
    /// <summary>Creates the exception for a failure at <paramref name="position"/>.</summary>
    public JsonBodyException(string message, int position)
        : base($"{message} (at byte {position})")
    {
        Position = position;
    }

    /// <summary>Creates the exception with a cause and no known position.</summary>
    public JsonBodyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Position = -1;
    }

    /// <summary>Byte offset in the input where the problem was found; -1 when unknown.</summary>
    public int Position { get; }
}
