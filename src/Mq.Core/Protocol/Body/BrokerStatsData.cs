using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>VIEW_BROKER_STATS_DATA body (RocketMQ <c>BrokerStatsData</c>): one stats item over the last minute, hour and day.</summary>
public sealed class BrokerStatsData : JsonBody
{
    /// <summary>The last minute.</summary>
    public BrokerStatsItem StatsMinute { get; set; } = new();

    /// <summary>The last hour.</summary>
    public BrokerStatsItem StatsHour { get; set; } = new();

    /// <summary>The last day.</summary>
    public BrokerStatsItem StatsDay { get; set; } = new();

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static BrokerStatsData Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static BrokerStatsData Read(ref FastJsonReader reader)
    {
        var d = new BrokerStatsData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, BrokerStatsData d) =>
        {
            switch (name)
            {
                case "statsminute": d.StatsMinute = BrokerStatsItem.Read(ref r); break;
                case "statshour": d.StatsHour = BrokerStatsItem.Read(ref r); break;
                case "statsday": d.StatsDay = BrokerStatsItem.Read(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("statsDay"u8);
        StatsDay.Write(writer);
        writer.WritePropertyName("statsHour"u8);
        StatsHour.Write(writer);
        writer.WritePropertyName("statsMinute"u8);
        StatsMinute.Write(writer);
        writer.WriteEndObject();
    }
}

/// <summary>One window of a <see cref="BrokerStatsData"/> (RocketMQ <c>BrokerStatsItem</c>).</summary>
public sealed class BrokerStatsItem : JsonBody
{
    /// <summary>What was added in the window (messages or bytes).</summary>
    public long Sum { get; set; }

    /// <summary><see cref="Sum"/> per second.</summary>
    public double Tps { get; set; }

    /// <summary><see cref="Sum"/> per recorded event (e.g. messages per pull).</summary>
    public double Avgpt { get; set; }

    internal static BrokerStatsItem Read(ref FastJsonReader reader)
    {
        var d = new BrokerStatsItem();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, BrokerStatsItem d) =>
        {
            switch (name)
            {
                case "sum": d.Sum = r.ReadInt64(); break;
                case "tps": d.Tps = r.ReadDouble(); break;
                case "avgpt": d.Avgpt = r.ReadDouble(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("avgpt"u8, Avgpt);
        writer.WriteNumber("sum"u8, Sum);
        writer.WriteNumber("tps"u8, Tps);
        writer.WriteEndObject();
    }
}
