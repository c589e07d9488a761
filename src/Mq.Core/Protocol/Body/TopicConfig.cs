using System.Globalization;
using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>A topic's configuration on a broker (RocketMQ <c>TopicConfig</c>; defaults as Java's).</summary>
public sealed class TopicConfig : JsonBody
{
    /// <summary>Topic name.</summary>
    public string TopicName { get; set; } = string.Empty;

    /// <summary>Readable queues (Java default 16).</summary>
    public int ReadQueueNums { get; set; } = 16;

    /// <summary>Writable queues (Java default 16).</summary>
    public int WriteQueueNums { get; set; } = 16;

    /// <summary>PermName bits (default READ|WRITE = 6).</summary>
    public int Perm { get; set; } = 6;

    /// <summary>Tag filter type.</summary>
    public TopicFilterType TopicFilterType { get; set; } = TopicFilterType.SingleTag;

    /// <summary>Topic system flag.</summary>
    public int TopicSysFlag { get; set; }

    /// <summary>Ordered topic.</summary>
    public bool Order { get; set; }

    /// <summary>A copy.</summary>
    public TopicConfig Clone() => (TopicConfig)MemberwiseClone();

    /// <summary>Decodes a TopicConfig.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static TopicConfig Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    /// <summary>
    /// The line form used inside a compressed RegisterBrokerBody (Java <c>TopicConfig.encode()</c>):
    /// <c>topicName readQueueNums writeQueueNums perm topicFilterType</c>.
    /// </summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"{TopicName} {ReadQueueNums} {WriteQueueNums} {Perm} {JavaEnum<TopicFilterType>.Name(TopicFilterType)}");

    /// <summary>Parses the line form (Java <c>TopicConfig.decode(String)</c>); null when it has fewer than 5 fields.</summary>
    public static TopicConfig? ParseLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        string[] parts = line.Split(' ');
        if (parts.Length < 5
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int read)
            || !int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int write)
            || !int.TryParse(parts[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int perm)
            || !JavaEnum<TopicFilterType>.TryParse(parts[4], out TopicFilterType filter))
        {
            return null;
        }
        return new TopicConfig { TopicName = parts[0], ReadQueueNums = read, WriteQueueNums = write, Perm = perm, TopicFilterType = filter };
    }

    internal static TopicConfig Read(ref FastJsonReader reader)
    {
        var d = new TopicConfig();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, TopicConfig d) =>
        {
            switch (name)
            {
                case "topicname": d.TopicName = r.ReadString() ?? string.Empty; break;
                case "readqueuenums": d.ReadQueueNums = r.ReadInt32(); break;
                case "writequeuenums": d.WriteQueueNums = r.ReadInt32(); break;
                case "perm": d.Perm = r.ReadInt32(); break;
                case "topicfiltertype": d.TopicFilterType = JavaEnum<TopicFilterType>.Read(ref r) ?? TopicFilterType.SingleTag; break;
                case "topicsysflag":
                case "topicsynflag": d.TopicSysFlag = r.ReadInt32(); break;
                case "order": d.Order = r.ReadBoolean(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("order"u8, Order);
        writer.WriteNumber("perm"u8, Perm);
        writer.WriteNumber("readQueueNums"u8, ReadQueueNums);
        JavaEnum<TopicFilterType>.Write(writer, "topicFilterType"u8, TopicFilterType);
        writer.WriteString("topicName"u8, TopicName);
        writer.WriteNumber("topicSysFlag"u8, TopicSysFlag);
        writer.WriteNumber("writeQueueNums"u8, WriteQueueNums);
        writer.WriteEndObject();
    }
}
