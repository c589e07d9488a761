using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>CHECK_CLIENT_CONFIG body (RocketMQ <c>CheckClientRequestBody</c>).</summary>
public sealed class CheckClientRequestBody : JsonBody
{
    /// <summary>Client id.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Consumer group.</summary>
    public string Group { get; set; } = string.Empty;

    /// <summary>The subscription to validate; null when absent.</summary>
    public SubscriptionData? SubscriptionData { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static CheckClientRequestBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static CheckClientRequestBody Read(ref FastJsonReader reader)
    {
        var d = new CheckClientRequestBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, CheckClientRequestBody d) =>
        {
            switch (name)
            {
                case "clientid": d.ClientId = r.ReadString() ?? string.Empty; break;
                case "group": d.Group = r.ReadString() ?? string.Empty; break;
                case "subscriptiondata": d.SubscriptionData = r.TryReadNull() ? null : SubscriptionData.Read(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("clientId"u8, ClientId);
        writer.WriteString("group"u8, Group);
        if (SubscriptionData is not null)
        {
            writer.WritePropertyName("subscriptionData"u8);
            SubscriptionData.Write(writer);
        }
        writer.WriteEndObject();
    }
}
