namespace Mq.Tests.Transport;

/// <summary>Which transport a test runs over.</summary>
public enum TransportKind
{
    Socket,
    Memory,
}
