using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_PRODUCER_CONNECTION_LIST body (RocketMQ <c>ProducerConnection</c>): the group's live connections.</summary>
public sealed class ProducerConnection : JsonBody
{
    /// <summary>Live connections of the group.</summary>
    public List<Connection> ConnectionSet { get; set; } = [];

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ProducerConnection Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ProducerConnection Read(ref FastJsonReader reader)
    {
        var d = new ProducerConnection();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ProducerConnection d) =>
        {
            switch (name)
            {
                case "connectionset": d.ConnectionSet = JsonBodyReader.ReadList(ref r, Connection.Read); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        Connection.WriteSet(writer, ConnectionSet);
        writer.WriteEndObject();
    }
}
