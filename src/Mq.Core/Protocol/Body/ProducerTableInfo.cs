using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>One producer channel in <see cref="ProducerTableInfo"/> (RocketMQ 4.9.x <c>ProducerInfo</c>).</summary>
public sealed class ProducerInfo
{
    /// <summary>Client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The channel's remote address as Java prints it (<c>/ip:port</c>).</summary>
    public string RemoteIP { get; set; } = string.Empty;

    /// <summary>LanguageCode name (<c>JAVA</c>, <c>GO</c>, <c>DOTNET</c>, …).</summary>
    public string Language { get; set; } = string.Empty;

    /// <summary>Client's MQVersion ordinal.</summary>
    public int Version { get; set; }

    /// <summary>Last heartbeat, epoch ms.</summary>
    public long LastUpdateTimestamp { get; set; }

    internal static ProducerInfo Read(ref FastJsonReader reader)
    {
        var d = new ProducerInfo();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ProducerInfo d) =>
        {
            switch (name)
            {
                case "clientid": d.ClientId = r.ReadString() ?? string.Empty; break;
                case "remoteip": d.RemoteIP = r.ReadString() ?? string.Empty; break;
                case "language": d.Language = r.ReadString() ?? string.Empty; break;
                case "version": d.Version = r.ReadInt32(); break;
                case "lastupdatetimestamp": d.LastUpdateTimestamp = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("clientId"u8, ClientId);
        writer.WriteString("language"u8, Language);
        writer.WriteNumber("lastUpdateTimestamp"u8, LastUpdateTimestamp);
        writer.WriteString("remoteIP"u8, RemoteIP);
        writer.WriteNumber("version"u8, Version);
        writer.WriteEndObject();
    }
}

/// <summary>GET_ALL_PRODUCER_INFO body (RocketMQ 4.9.x <c>ProducerTableInfo</c>): the producer channels of every group.</summary>
public sealed class ProducerTableInfo : JsonBody
{
    /// <summary>Producer channels by producer group (<c>data</c>).</summary>
    public Dictionary<string, List<ProducerInfo>> Data { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ProducerTableInfo Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ProducerTableInfo Read(ref FastJsonReader reader)
    {
        var d = new ProducerTableInfo();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ProducerTableInfo d) =>
        {
            if (name == "data")
            {
                d.Data = JsonBodyReader.ReadStringMap(ref r, static (ref FastJsonReader rr) => JsonBodyReader.ReadList(ref rr, ProducerInfo.Read));
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
        writer.WritePropertyName("data"u8);
        writer.WriteStartObject();
        foreach ((string group, List<ProducerInfo> producers) in Data)
        {
            writer.WriteMapKey(group);
            writer.WriteStartArray();
            foreach (ProducerInfo producer in producers)
            {
                producer.Write(writer);
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
