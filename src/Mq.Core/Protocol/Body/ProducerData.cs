using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>A producer group in a heartbeat (RocketMQ <c>ProducerData</c>).</summary>
public sealed class ProducerData : JsonBody
{
    /// <summary>Producer group.</summary>
    public string GroupName { get; set; } = string.Empty;

    internal static ProducerData Read(ref FastJsonReader reader)
    {
        var d = new ProducerData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ProducerData d) =>
        {
            if (name == "groupname")
            {
                d.GroupName = r.ReadString() ?? string.Empty;
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
        writer.WriteString("groupName"u8, GroupName);
        writer.WriteEndObject();
    }
}
