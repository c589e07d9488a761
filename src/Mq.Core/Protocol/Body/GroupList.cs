using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>QUERY_TOPIC_CONSUME_BY_WHO body (RocketMQ <c>GroupList</c>).</summary>
public sealed class GroupList : JsonBody
{
    /// <summary>Consumer groups; JSON name <c>groupList</c>.</summary>
    public HashSet<string> Groups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static GroupList Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static GroupList Read(ref FastJsonReader reader)
    {
        var d = new GroupList();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, GroupList d) =>
        {
            if (name == "grouplist")
            {
                d.Groups = JsonBodyReader.ReadStringSet(ref r);
            }
            else
            {
                r.SkipValue();
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStringArray("groupList"u8, Groups);
        writer.WriteEndObject();
    }
}
