namespace Mq.Protocol.Json;

/// <summary>How non-string map keys (broker ids, queue ids, delay levels) are written.</summary>
public enum JsonKeyStyle
{
    /// <summary>
    /// Standard JSON: <c>{"0":"10.0.0.1:10911"}</c>. Accepted by the Java, Go and ali-ons clients
    /// (remoting-protocol.md §2.2); what a 4.9.4+ NameServer answers when the requester's version is
    /// at least 401 or it sent <c>acceptStandardJsonOnly=true</c>.
    /// </summary>
    Quoted = 0,

    /// <summary>
    /// fastjson's default: <c>{0:"10.0.0.1:10911"}</c>; byte-identical to what a Java process writes.
    /// Only fastjson-style parsers read it.
    /// </summary>
    Unquoted = 1,
}
