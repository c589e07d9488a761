using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>One client connection in <see cref="ConsumerConnection"/> (RocketMQ <c>Connection</c>).</summary>
public sealed class Connection : JsonBody
{
    /// <summary>Client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Remote address <c>ip:port</c>.</summary>
    public string ClientAddr { get; set; } = string.Empty;

    /// <summary>LanguageCode name (<c>JAVA</c>, <c>GO</c>, <c>DOTNET</c>, …).</summary>
    public string Language { get; set; } = string.Empty;

    /// <summary>Client's MQVersion ordinal.</summary>
    public int Version { get; set; }

    internal static Connection Read(ref FastJsonReader reader)
    {
        var d = new Connection();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, Connection d) =>
        {
            switch (name)
            {
                case "clientid": d.ClientId = r.ReadString() ?? string.Empty; break;
                case "clientaddr": d.ClientAddr = r.ReadString() ?? string.Empty; break;
                case "language": d.Language = r.ReadString() ?? string.Empty; break;
                case "version": d.Version = r.ReadInt32(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    /// <summary>Writes the <c>connectionSet</c> property shared by the consumer and producer connection bodies.</summary>
    internal static void WriteSet(FastJsonWriter writer, List<Connection> connections)
    {
        writer.WritePropertyName("connectionSet"u8);
        writer.WriteStartArray();
        foreach (Connection c in connections)
        {
            c.Write(writer);
        }
        writer.WriteEndArray();
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("clientAddr"u8, ClientAddr);
        writer.WriteString("clientId"u8, ClientId);
        writer.WriteString("language"u8, Language);
        writer.WriteNumber("version"u8, Version);
        writer.WriteEndObject();
    }
}
