using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>A consumer group in a heartbeat (RocketMQ <c>ConsumerData</c>).</summary>
public sealed class ConsumerData : JsonBody
{
    /// <summary>Consumer group.</summary>
    public string GroupName { get; set; } = string.Empty;

    /// <summary>Pull or push; null when absent.</summary>
    public ConsumeType? ConsumeType { get; set; }

    /// <summary>Clustering or broadcasting; null when absent.</summary>
    public MessageModel? MessageModel { get; set; }

    /// <summary>Where a new group starts; null when absent.</summary>
    public ConsumeFromWhere? ConsumeFromWhere { get; set; }

    /// <summary>Subscriptions (includes the automatic <c>%RETRY%group</c> one for push consumers).</summary>
    public List<SubscriptionData> SubscriptionDataSet { get; set; } = [];

    /// <summary>Unit mode (Alibaba-internal).</summary>
    public bool UnitMode { get; set; }

    internal static ConsumerData Read(ref FastJsonReader reader)
    {
        var d = new ConsumerData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumerData d) =>
        {
            switch (name)
            {
                case "groupname": d.GroupName = r.ReadString() ?? string.Empty; break;
                case "consumetype": d.ConsumeType = JavaEnum<ConsumeType>.Read(ref r); break;
                case "messagemodel": d.MessageModel = JavaEnum<MessageModel>.Read(ref r); break;
                case "consumefromwhere": d.ConsumeFromWhere = JavaEnum<ConsumeFromWhere>.Read(ref r); break;
                case "subscriptiondataset": d.SubscriptionDataSet = JsonBodyReader.ReadList(ref r, SubscriptionData.Read); break;
                case "unitmode": d.UnitMode = r.ReadBoolean(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        JavaEnum<ConsumeFromWhere>.Write(writer, "consumeFromWhere"u8, ConsumeFromWhere);
        JavaEnum<ConsumeType>.Write(writer, "consumeType"u8, ConsumeType);
        writer.WriteString("groupName"u8, GroupName);
        JavaEnum<MessageModel>.Write(writer, "messageModel"u8, MessageModel);
        writer.WritePropertyName("subscriptionDataSet"u8);
        writer.WriteStartArray();
        foreach (SubscriptionData s in SubscriptionDataSet)
        {
            s.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteBoolean("unitMode"u8, UnitMode);
        writer.WriteEndObject();
    }
}
