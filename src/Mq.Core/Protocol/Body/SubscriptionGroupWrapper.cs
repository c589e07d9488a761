using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>GET_ALL_SUBSCRIPTIONGROUP_CONFIG body and subscriptionGroup.json (RocketMQ <c>SubscriptionGroupWrapper</c>).</summary>
public sealed class SubscriptionGroupWrapper : JsonBody
{
    /// <summary>group → config.</summary>
    public Dictionary<string, SubscriptionGroupConfig> SubscriptionGroupTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Version of the table.</summary>
    public DataVersion DataVersion { get; set; }

    /// <summary>Decodes the wrapper.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static SubscriptionGroupWrapper Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static SubscriptionGroupWrapper Read(ref FastJsonReader reader)
    {
        var d = new SubscriptionGroupWrapper();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, SubscriptionGroupWrapper d) =>
        {
            switch (name)
            {
                case "subscriptiongrouptable": d.SubscriptionGroupTable = JsonBodyReader.ReadStringMap(ref r, SubscriptionGroupConfig.Read); break;
                case "dataversion": d.DataVersion = DataVersion.Read(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("dataVersion"u8);
        DataVersion.Write(writer);
        writer.WritePropertyName("subscriptionGroupTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, SubscriptionGroupConfig> e in SubscriptionGroupTable)
        {
            writer.WriteMapKey(e.Key);
            e.Value.Write(writer);
        }
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
