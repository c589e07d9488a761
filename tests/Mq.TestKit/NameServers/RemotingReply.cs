using Mq.Protocol;

namespace Mq.TestKit.NameServers;

/// <summary>A response as a test sees it: code, remark, header fields, body and the serialisation it came in.</summary>
public sealed record RemotingReply(int Code, string? Remark, IReadOnlyDictionary<string, string> ExtFields, byte[] Body, SerializeType SerializeType)
{
    /// <summary>A header field, or null.</summary>
    public string? Field(string name) => ExtFields.TryGetValue(name, out string? value) ? value : null;
}
