namespace Mq.TestKit.Protocol;

/// <summary>A reassembled one-direction byte stream.</summary>
public sealed record TcpStream(StreamKey Key, byte[] Data);
