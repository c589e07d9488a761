using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>HEART_BEAT body (RocketMQ <c>HeartbeatData</c>); 5.x's heartbeat-v2 fields are ignored.</summary>
public sealed class HeartbeatData : JsonBody
{
    /// <summary>Client id (<c>ip@instance</c>…); JSON name <c>clientID</c>.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Producer groups of the client.</summary>
    public List<ProducerData> ProducerDataSet { get; set; } = [];

    /// <summary>Consumer groups of the client.</summary>
    public List<ConsumerData> ConsumerDataSet { get; set; } = [];

    /// <summary>Decodes a heartbeat from any client dialect (Java, Go, ali-ons, NewLife's PascalCase names).</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static HeartbeatData Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static HeartbeatData Read(ref FastJsonReader reader)
    {
        var d = new HeartbeatData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, HeartbeatData d) =>
        {
            switch (name)
            {
                case "clientid": d.ClientId = r.ReadString() ?? string.Empty; break;
                case "producerdataset": d.ProducerDataSet = JsonBodyReader.ReadList(ref r, ProducerData.Read); break;
                case "consumerdataset": d.ConsumerDataSet = JsonBodyReader.ReadList(ref r, ConsumerData.Read); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("clientID"u8, ClientId);
        writer.WritePropertyName("consumerDataSet"u8);
        writer.WriteStartArray();
        foreach (ConsumerData c in ConsumerDataSet)
        {
            c.Write(writer);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("producerDataSet"u8);
        writer.WriteStartArray();
        foreach (ProducerData p in ProducerDataSet)
        {
            p.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
