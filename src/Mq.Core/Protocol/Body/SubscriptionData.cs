using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// One subscription of a consumer group (RocketMQ <c>SubscriptionData</c>). Reads Go's string
/// <c>codeSet</c> entries and nanosecond <c>subVersion</c>, and ali-ons' missing <c>expressionType</c>.
/// </summary>
public sealed class SubscriptionData : JsonBody
{
    /// <summary>Java's <c>SubscriptionData.SUB_ALL</c>: every tag.</summary>
    public const string SubAll = "*";

    /// <summary>Filter-class mode (unused since 4.3).</summary>
    public bool ClassFilterMode { get; set; }

    /// <summary>Topic.</summary>
    public string Topic { get; set; } = string.Empty;

    /// <summary>Expression as the user wrote it (<c>TagA || TagB</c>, <c>*</c>, or SQL92).</summary>
    public string SubString { get; set; } = string.Empty;

    /// <summary>Tags of a TAG expression.</summary>
    public HashSet<string> TagsSet { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Java hash codes of the tags (clients compute them; Go hashes UTF-8, so recompute).</summary>
    public HashSet<int> CodeSet { get; set; } = [];

    /// <summary>Version of the subscription (ms in Java, ns in Go); 64-bit exact.</summary>
    public long SubVersion { get; set; }

    /// <summary><c>TAG</c> (default when absent) or <c>SQL92</c>.</summary>
    public string ExpressionType { get; set; } = "TAG";

    /// <summary>Decodes a SubscriptionData.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static SubscriptionData Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static SubscriptionData Read(ref FastJsonReader reader)
    {
        var d = new SubscriptionData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, SubscriptionData d) =>
        {
            switch (name)
            {
                case "classfiltermode": d.ClassFilterMode = r.ReadBoolean(); break;
                case "topic": d.Topic = r.ReadString() ?? string.Empty; break;
                case "substring": d.SubString = r.ReadString() ?? string.Empty; break;
                case "tagsset": d.TagsSet = JsonBodyReader.ReadStringSet(ref r); break;
                case "codeset":
                    d.CodeSet.Clear();
                    if (r.TryReadNull())
                    {
                        break;
                    }
                    r.ReadStartArray();
                    while (r.NextElement())
                    {
                        d.CodeSet.Add(r.ReadInt32());
                    }
                    break;
                case "subversion": d.SubVersion = r.ReadInt64(); break;
                case "expressiontype":
                    string? type = r.ReadString();
                    d.ExpressionType = string.IsNullOrEmpty(type) ? "TAG" : type;
                    break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("classFilterMode"u8, ClassFilterMode);
        writer.WritePropertyName("codeSet"u8);
        writer.WriteStartArray();
        foreach (int code in CodeSet)
        {
            writer.WriteNumberValue(code);
        }
        writer.WriteEndArray();
        writer.WriteString("expressionType"u8, ExpressionType);
        writer.WriteString("subString"u8, SubString);
        writer.WriteNumber("subVersion"u8, SubVersion);
        writer.WriteStringArray("tagsSet"u8, TagsSet);
        writer.WriteString("topic"u8, Topic);
        writer.WriteEndObject();
    }
}
