using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>One queue's bounds in <see cref="TopicStatsTable"/> (RocketMQ <c>TopicOffset</c>).</summary>
public sealed class TopicOffset : JsonBody
{
    /// <summary>Min offset.</summary>
    public long MinOffset { get; set; }

    /// <summary>Max offset.</summary>
    public long MaxOffset { get; set; }

    /// <summary>Store time of the last message (epoch ms).</summary>
    public long LastUpdateTimestamp { get; set; }

    internal static TopicOffset Read(ref FastJsonReader reader)
    {
        var d = new TopicOffset();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, TopicOffset d) =>
        {
            switch (name)
            {
                case "minoffset": d.MinOffset = r.ReadInt64(); break;
                case "maxoffset": d.MaxOffset = r.ReadInt64(); break;
                case "lastupdatetimestamp": d.LastUpdateTimestamp = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("lastUpdateTimestamp"u8, LastUpdateTimestamp);
        writer.WriteNumber("maxOffset"u8, MaxOffset);
        writer.WriteNumber("minOffset"u8, MinOffset);
        writer.WriteEndObject();
    }
}
