using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>Java <c>Map&lt;MessageQueue, V&gt;</c>: fastjson writes each key as an unquoted object.</summary>
internal static class QueueKeyedMap
{
    public static Dictionary<MessageQueue, T> Read<T>(ref FastJsonReader reader, JsonReadFunc<T> read)
    {
        var map = new Dictionary<MessageQueue, T>();
        if (reader.TryReadNull())
        {
            return map;
        }
        reader.ReadStartObject();
        while (reader.NextMember())
        {
            MessageQueue key = MessageQueue.ReadKey(ref reader);
            map[key] = read(ref reader);
        }
        return map;
    }

    public static void Write<T>(FastJsonWriter writer, Dictionary<MessageQueue, T> map, Action<FastJsonWriter, T> write)
    {
        writer.WriteStartObject();
        foreach (KeyValuePair<MessageQueue, T> e in map)
        {
            e.Key.WriteKey(writer);
            write(writer, e.Value);
        }
        writer.WriteEndObject();
    }
}
