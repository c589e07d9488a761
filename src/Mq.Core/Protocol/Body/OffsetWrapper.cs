using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>One queue's offsets in <see cref="ConsumeStats"/> (RocketMQ <c>OffsetWrapper</c>).</summary>
public sealed class OffsetWrapper : JsonBody
{
    /// <summary>Broker's max offset of the queue.</summary>
    public long BrokerOffset { get; set; }

    /// <summary>Group's committed offset.</summary>
    public long ConsumerOffset { get; set; }

    /// <summary>Store time of the last consumed message (epoch ms).</summary>
    public long LastTimestamp { get; set; }

    internal static OffsetWrapper Read(ref FastJsonReader reader)
    {
        var d = new OffsetWrapper();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, OffsetWrapper d) =>
        {
            switch (name)
            {
                case "brokeroffset": d.BrokerOffset = r.ReadInt64(); break;
                case "consumeroffset": d.ConsumerOffset = r.ReadInt64(); break;
                case "lasttimestamp": d.LastTimestamp = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("brokerOffset"u8, BrokerOffset);
        writer.WriteNumber("consumerOffset"u8, ConsumerOffset);
        writer.WriteNumber("lastTimestamp"u8, LastTimestamp);
        writer.WriteEndObject();
    }
}
