using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>Java <c>Map&lt;Integer, Long&gt;</c> in JSON: keys bare or quoted on read, per key style on write.</summary>
internal static class IntLongMap
{
    public static Dictionary<int, long> Read(ref FastJsonReader reader)
    {
        var map = new Dictionary<int, long>();
        if (reader.TryReadNull())
        {
            return map;
        }
        reader.ReadStartObject();
        while (reader.NextMember())
        {
            int position = reader.Position;
            long key = reader.ReadInt64MapKey();
            if (key is < int.MinValue or > int.MaxValue)
            {
                throw new JsonBodyException("Map key out of 32-bit range", position);
            }
            map[(int)key] = reader.ReadInt64();
        }
        return map;
    }

    public static void Write(FastJsonWriter writer, Dictionary<int, long> map)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<int, long> e in map)
        {
            writer.WriteMapKey(e.Key);
            writer.WriteNumberValue(e.Value);
        }
        writer.WriteEndObject();
    }
}
