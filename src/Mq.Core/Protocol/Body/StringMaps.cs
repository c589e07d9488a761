using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>Writes <c>Map&lt;String, String&gt;</c>.</summary>
internal static class StringMaps
{
    public static void Write(FastJsonWriter writer, Dictionary<string, string> map)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<string, string> e in map)
        {
            writer.WriteMapKey(e.Key);
            writer.WriteStringValue(e.Value);
        }
        writer.WriteEndObject();
    }
}
