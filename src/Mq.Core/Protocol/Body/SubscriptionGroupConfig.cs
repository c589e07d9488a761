using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>A consumer group's broker-side settings (RocketMQ 4.9 <c>SubscriptionGroupConfig</c>; defaults as Java's).</summary>
public sealed class SubscriptionGroupConfig : JsonBody
{
    /// <summary>Group name.</summary>
    public string GroupName { get; set; } = string.Empty;

    /// <summary>May consume (default true).</summary>
    public bool ConsumeEnable { get; set; } = true;

    /// <summary>New groups start from the min offset (default true).</summary>
    public bool ConsumeFromMinEnable { get; set; } = true;

    /// <summary>Broadcasting allowed (default true).</summary>
    public bool ConsumeBroadcastEnable { get; set; } = true;

    /// <summary>Queues of <c>%RETRY%group</c> (default 1).</summary>
    public int RetryQueueNums { get; set; } = 1;

    /// <summary>Redeliveries before the dead-letter queue (default 16).</summary>
    public int RetryMaxTimes { get; set; } = 16;

    /// <summary>Preferred broker id to read from (default 0, the master).</summary>
    public long BrokerId { get; set; }

    /// <summary>Broker id to read from when consumption is slow (default 1).</summary>
    public long WhichBrokerWhenConsumeSlowly { get; set; } = 1;

    /// <summary>Send NOTIFY_CONSUMER_IDS_CHANGED (default true).</summary>
    public bool NotifyConsumerIdsChangedEnable { get; set; } = true;

    /// <summary>Decodes a config.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static SubscriptionGroupConfig Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static SubscriptionGroupConfig Read(ref FastJsonReader reader)
    {
        var d = new SubscriptionGroupConfig();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, SubscriptionGroupConfig d) =>
        {
            switch (name)
            {
                case "groupname": d.GroupName = r.ReadString() ?? string.Empty; break;
                case "consumeenable": d.ConsumeEnable = r.ReadBoolean(); break;
                case "consumefromminenable": d.ConsumeFromMinEnable = r.ReadBoolean(); break;
                case "consumebroadcastenable": d.ConsumeBroadcastEnable = r.ReadBoolean(); break;
                case "retryqueuenums": d.RetryQueueNums = r.ReadInt32(); break;
                case "retrymaxtimes": d.RetryMaxTimes = r.ReadInt32(); break;
                case "brokerid": d.BrokerId = r.ReadInt64(); break;
                case "whichbrokerwhenconsumeslowly": d.WhichBrokerWhenConsumeSlowly = r.ReadInt64(); break;
                case "notifyconsumeridschangedenable": d.NotifyConsumerIdsChangedEnable = r.ReadBoolean(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("brokerId"u8, BrokerId);
        writer.WriteBoolean("consumeBroadcastEnable"u8, ConsumeBroadcastEnable);
        writer.WriteBoolean("consumeEnable"u8, ConsumeEnable);
        writer.WriteBoolean("consumeFromMinEnable"u8, ConsumeFromMinEnable);
        writer.WriteString("groupName"u8, GroupName);
        writer.WriteBoolean("notifyConsumerIdsChangedEnable"u8, NotifyConsumerIdsChangedEnable);
        writer.WriteNumber("retryMaxTimes"u8, RetryMaxTimes);
        writer.WriteNumber("retryQueueNums"u8, RetryQueueNums);
        writer.WriteNumber("whichBrokerWhenConsumeSlowly"u8, WhichBrokerWhenConsumeSlowly);
        writer.WriteEndObject();
    }
}
