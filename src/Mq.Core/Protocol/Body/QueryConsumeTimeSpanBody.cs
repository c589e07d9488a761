using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>How far a group's consumption of one queue lags in time (RocketMQ <c>QueueTimeSpan</c>); times in ms since the epoch.</summary>
public sealed class QueueTimeSpan : JsonBody
{
    /// <summary>The queue.</summary>
    public MessageQueue MessageQueue { get; set; } = new(string.Empty, string.Empty, 0);

    /// <summary>Store time of the queue's oldest message (-1 when none).</summary>
    public long MinTimeStamp { get; set; }

    /// <summary>Store time of the queue's newest message (-1 when none).</summary>
    public long MaxTimeStamp { get; set; }

    /// <summary>Store time of the last message the group consumed (the oldest message's when it consumed none).</summary>
    public long ConsumeTimeStamp { get; set; }

    /// <summary>How long the next message to consume has waited, in ms (0 when the group is caught up).</summary>
    public long DelayTime { get; set; }

    internal static QueueTimeSpan Read(ref FastJsonReader reader)
    {
        var d = new QueueTimeSpan();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, QueueTimeSpan d) =>
        {
            switch (name)
            {
                case "messagequeue": d.MessageQueue = MessageQueue.Read(ref r); break;
                case "mintimestamp": d.MinTimeStamp = r.ReadInt64(); break;
                case "maxtimestamp": d.MaxTimeStamp = r.ReadInt64(); break;
                case "consumetimestamp": d.ConsumeTimeStamp = r.ReadInt64(); break;
                case "delaytime": d.DelayTime = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("consumeTimeStamp"u8, ConsumeTimeStamp);
        writer.WriteNumber("delayTime"u8, DelayTime);
        writer.WriteNumber("maxTimeStamp"u8, MaxTimeStamp);
        writer.WritePropertyName("messageQueue"u8);
        MessageQueue.Write(writer);
        writer.WriteNumber("minTimeStamp"u8, MinTimeStamp);
        writer.WriteEndObject();
    }
}

/// <summary>QUERY_CONSUME_TIME_SPAN body (RocketMQ <c>QueryConsumeTimeSpanBody</c>): one time span per writable queue of the topic.</summary>
public sealed class QueryConsumeTimeSpanBody : JsonBody
{
    /// <summary>The queues' time spans.</summary>
    public List<QueueTimeSpan> ConsumeTimeSpanSet { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static QueryConsumeTimeSpanBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static QueryConsumeTimeSpanBody Read(ref FastJsonReader reader)
    {
        var d = new QueryConsumeTimeSpanBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, QueryConsumeTimeSpanBody d) =>
        {
            switch (name)
            {
                case "consumetimespanset": d.ConsumeTimeSpanSet = JsonBodyReader.ReadList(ref r, QueueTimeSpan.Read); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("consumeTimeSpanSet"u8);
        writer.WriteStartArray();
        foreach (QueueTimeSpan span in ConsumeTimeSpanSet)
        {
            span.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>QUERY_CORRECTION_OFFSET body (RocketMQ <c>QueryCorrectionOffsetBody</c>): queue id → offset, <see cref="long.MaxValue"/> where the compared group is behind.</summary>
public sealed class QueryCorrectionOffsetBody : JsonBody
{
    /// <summary>Queue id → corrected offset.</summary>
    public Dictionary<int, long> CorrectionOffsets { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static QueryCorrectionOffsetBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static QueryCorrectionOffsetBody Read(ref FastJsonReader reader)
    {
        var d = new QueryCorrectionOffsetBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, QueryCorrectionOffsetBody d) =>
        {
            switch (name)
            {
                case "correctionoffsets": d.CorrectionOffsets = IntLongMap.Read(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("correctionOffsets"u8);
        IntLongMap.Write(writer, CorrectionOffsets);
        writer.WriteEndObject();
    }
}
