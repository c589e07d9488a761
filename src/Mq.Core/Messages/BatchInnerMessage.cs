namespace Mq.Messages;

/// <summary>One inner message of a SEND_BATCH_MESSAGE body.</summary>
public readonly ref struct BatchInnerMessage
{
    internal BatchInnerMessage(int flag, ReadOnlySpan<byte> body, ReadOnlySpan<byte> properties)
    {
        Flag = flag;
        Body = body;
        Properties = properties;
    }

    /// <summary>User flag.</summary>
    public int Flag { get; }

    /// <summary>Body.</summary>
    public ReadOnlySpan<byte> Body { get; }

    /// <summary>Encoded properties (§4.3).</summary>
    public ReadOnlySpan<byte> Properties { get; }
}
