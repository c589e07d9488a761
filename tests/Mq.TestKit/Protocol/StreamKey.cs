namespace Mq.TestKit.Protocol;

/// <summary>One direction of a TCP connection.</summary>
public readonly record struct StreamKey(string Source, int SourcePort, string Destination, int DestinationPort)
{
    /// <inheritdoc />
    public override string ToString() => $"{Source}:{SourcePort} -> {Destination}:{DestinationPort}";
}
