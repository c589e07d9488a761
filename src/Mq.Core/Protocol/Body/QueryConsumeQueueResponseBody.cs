using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>One consume-queue entry as QUERY_CONSUME_QUEUE shows it (RocketMQ <c>ConsumeQueueData</c>).</summary>
public sealed class ConsumeQueueData : JsonBody
{
    /// <summary>Commit-log offset of the message.</summary>
    public long PhysicOffset { get; set; }

    /// <summary>Stored size of the message.</summary>
    public int PhysicSize { get; set; }

    /// <summary>Tag hash code (or delivery time in a delay queue).</summary>
    public long TagsCode { get; set; }

    /// <summary>Extended unit as JSON (consume-queue extensions; Mq keeps none, so always null).</summary>
    public string? ExtendDataJson { get; set; }

    /// <summary>Filter bit map of the extended unit (null without one).</summary>
    public string? BitMap { get; set; }

    /// <summary>Whether the group's filter matched the extended unit (false without one).</summary>
    public bool Eval { get; set; }

    /// <summary>A note about the entry, if any.</summary>
    public string? Msg { get; set; }

    internal static ConsumeQueueData Read(ref FastJsonReader reader)
    {
        var d = new ConsumeQueueData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumeQueueData d) =>
        {
            switch (name)
            {
                case "physicoffset": d.PhysicOffset = r.ReadInt64(); break;
                case "physicsize": d.PhysicSize = (int)r.ReadInt64(); break;
                case "tagscode": d.TagsCode = r.ReadInt64(); break;
                case "extenddatajson": d.ExtendDataJson = r.ReadString(); break;
                case "bitmap": d.BitMap = r.ReadString(); break;
                case "eval": d.Eval = r.ReadBoolean(); break;
                case "msg": d.Msg = r.ReadString(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("bitMap"u8, BitMap);
        writer.WriteBoolean("eval"u8, Eval);
        writer.WriteString("extendDataJson"u8, ExtendDataJson);
        writer.WriteString("msg"u8, Msg);
        writer.WriteNumber("physicOffset"u8, PhysicOffset);
        writer.WriteNumber("physicSize"u8, PhysicSize);
        writer.WriteNumber("tagsCode"u8, TagsCode);
        writer.WriteEndObject();
    }
}

/// <summary>QUERY_CONSUME_QUEUE body (RocketMQ <c>QueryConsumeQueueResponseBody</c>, mqadmin queryCq).</summary>
public sealed class QueryConsumeQueueResponseBody : JsonBody
{
    /// <summary>The group's subscription of the topic, when a group was named and is online.</summary>
    public SubscriptionData? SubscriptionData { get; set; }

    /// <summary>The group's filter as JSON, or why there is none.</summary>
    public string? FilterData { get; set; }

    /// <summary>The entries read.</summary>
    public List<ConsumeQueueData> QueueData { get; set; } = [];

    /// <summary>The queue's next offset.</summary>
    public long MaxQueueIndex { get; set; }

    /// <summary>The queue's first offset still readable.</summary>
    public long MinQueueIndex { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static QueryConsumeQueueResponseBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static QueryConsumeQueueResponseBody Read(ref FastJsonReader reader)
    {
        var d = new QueryConsumeQueueResponseBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, QueryConsumeQueueResponseBody d) =>
        {
            switch (name)
            {
                case "subscriptiondata": d.SubscriptionData = r.TryReadNull() ? null : SubscriptionData.Read(ref r); break;
                case "filterdata": d.FilterData = r.ReadString(); break;
                case "queuedata": d.QueueData = JsonBodyReader.ReadList(ref r, ConsumeQueueData.Read); break;
                case "maxqueueindex": d.MaxQueueIndex = r.ReadInt64(); break;
                case "minqueueindex": d.MinQueueIndex = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("filterData"u8, FilterData);
        writer.WriteNumber("maxQueueIndex"u8, MaxQueueIndex);
        writer.WriteNumber("minQueueIndex"u8, MinQueueIndex);
        writer.WritePropertyName("queueData"u8);
        writer.WriteStartArray();
        foreach (ConsumeQueueData entry in QueueData)
        {
            entry.Write(writer);
        }
        writer.WriteEndArray();
        if (SubscriptionData is not null)
        {
            writer.WritePropertyName("subscriptionData"u8);
            SubscriptionData.Write(writer);
        }
        writer.WriteEndObject();
    }
}
