using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// GET_CONSUMER_RUNNING_INFO body (RocketMQ <c>ConsumerRunningInfo</c>): what a consumer reports about itself to admin
/// tools (<c>mqadmin consumerStatus</c>, the RocketMQ dashboard's client view): its settings, subscriptions, the
/// state of every queue it holds, and consumption figures per topic.
/// </summary>
public sealed class ConsumerRunningInfo : JsonBody
{
    /// <summary>Property naming the NameServer addresses.</summary>
    public const string NameServerAddressProperty = "PROP_NAMESERVER_ADDR";

    /// <summary>Property naming the consume parallelism (Java's consume thread pool size).</summary>
    public const string ThreadPoolCoreSizeProperty = "PROP_THREADPOOL_CORE_SIZE";

    /// <summary>Property telling whether consumption is orderly (Java spells it without the underscore).</summary>
    public const string ConsumeOrderlyProperty = "PROP_CONSUMEORDERLY";

    /// <summary>Property naming the consume type (CONSUME_PASSIVELY for push, CONSUME_ACTIVELY for pull).</summary>
    public const string ConsumeTypeProperty = "PROP_CONSUME_TYPE";

    /// <summary>Property carrying the client's version name.</summary>
    public const string ClientVersionProperty = "PROP_CLIENT_VERSION";

    /// <summary>Property carrying when the consumer started (epoch ms).</summary>
    public const string StartTimestampProperty = "PROP_CONSUMER_START_TIMESTAMP";

    /// <summary>Settings and identity, as strings.</summary>
    public Dictionary<string, string> Properties { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The subscriptions.</summary>
    public List<SubscriptionData> SubscriptionSet { get; set; } = [];

    /// <summary>Queue → its state in this consumer.</summary>
    public Dictionary<MessageQueue, ProcessQueueInfo> MqTable { get; set; } = [];

    /// <summary>Topic → consumption figures.</summary>
    public Dictionary<string, ConsumeStatus> StatusTable { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Thread dump (Java's <c>jstack</c>); null here.</summary>
    public string? Jstack { get; set; }

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static ConsumerRunningInfo Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static ConsumerRunningInfo Read(ref FastJsonReader reader)
    {
        var d = new ConsumerRunningInfo();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumerRunningInfo d) =>
        {
            switch (name)
            {
                case "properties": d.Properties = JsonBodyReader.ReadStringMap(ref r, JsonBodyReader.ReadNonNullString); break;
                case "subscriptionset": d.SubscriptionSet = JsonBodyReader.ReadList(ref r, SubscriptionData.Read); break;
                case "mqtable": d.MqTable = QueueKeyedMap.Read(ref r, ProcessQueueInfo.Read); break;
                case "statustable": d.StatusTable = JsonBodyReader.ReadStringMap(ref r, ConsumeStatus.Read); break;
                case "jstack": d.Jstack = r.ReadString(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        if (Jstack is not null)
        {
            writer.WriteString("jstack"u8, Jstack);
        }
        writer.WritePropertyName("mqTable"u8);
        QueueKeyedMap.Write(writer, MqTable, static (w, v) => v.Write(w));
        writer.WritePropertyName("properties"u8);
        StringMaps.Write(writer, Properties);
        writer.WritePropertyName("statusTable"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<string, ConsumeStatus> e in StatusTable)
        {
            writer.WriteMapKey(e.Key);
            e.Value.Write(writer);
        }
        writer.WriteEndObject();
        writer.WritePropertyName("subscriptionSet"u8);
        writer.WriteStartArray();
        foreach (SubscriptionData subscription in SubscriptionSet)
        {
            subscription.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}

/// <summary>One queue's state in <see cref="ConsumerRunningInfo"/> (RocketMQ <c>ProcessQueueInfo</c>).</summary>
public sealed class ProcessQueueInfo : JsonBody
{
    /// <summary>The offset the consumer commits for the queue.</summary>
    public long CommitOffset { get; set; }

    /// <summary>Smallest offset pulled and not yet consumed.</summary>
    public long CachedMsgMinOffset { get; set; }

    /// <summary>Largest offset pulled.</summary>
    public long CachedMsgMaxOffset { get; set; }

    /// <summary>Messages pulled and not yet consumed.</summary>
    public int CachedMsgCount { get; set; }

    /// <summary>Their bodies' size, in MiB.</summary>
    public int CachedMsgSizeInMiB { get; set; }

    /// <summary>Transactional consumption (not used by 4.9 push consumers): smallest offset.</summary>
    public long TransactionMsgMinOffset { get; set; }

    /// <summary>Transactional consumption: largest offset.</summary>
    public long TransactionMsgMaxOffset { get; set; }

    /// <summary>Transactional consumption: message count.</summary>
    public int TransactionMsgCount { get; set; }

    /// <summary>Orderly consumption: whether the broker lock is held.</summary>
    public bool Locked { get; set; }

    /// <summary>Orderly consumption: unlock attempts.</summary>
    public long TryUnlockTimes { get; set; }

    /// <summary>Orderly consumption: when the lock was last confirmed (epoch ms).</summary>
    public long LastLockTimestamp { get; set; }

    /// <summary>Whether the queue was given up (Java's spelling on the wire: <c>droped</c>).</summary>
    public bool Dropped { get; set; }

    /// <summary>When the queue was last pulled (epoch ms).</summary>
    public long LastPullTimestamp { get; set; }

    /// <summary>When a message of the queue was last consumed (epoch ms).</summary>
    public long LastConsumeTimestamp { get; set; }

    internal static ProcessQueueInfo Read(ref FastJsonReader reader)
    {
        var d = new ProcessQueueInfo();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ProcessQueueInfo d) =>
        {
            switch (name)
            {
                case "commitoffset": d.CommitOffset = r.ReadInt64(); break;
                case "cachedmsgminoffset": d.CachedMsgMinOffset = r.ReadInt64(); break;
                case "cachedmsgmaxoffset": d.CachedMsgMaxOffset = r.ReadInt64(); break;
                case "cachedmsgcount": d.CachedMsgCount = r.ReadInt32(); break;
                case "cachedmsgsizeinmib": d.CachedMsgSizeInMiB = r.ReadInt32(); break;
                case "transactionmsgminoffset": d.TransactionMsgMinOffset = r.ReadInt64(); break;
                case "transactionmsgmaxoffset": d.TransactionMsgMaxOffset = r.ReadInt64(); break;
                case "transactionmsgcount": d.TransactionMsgCount = r.ReadInt32(); break;
                case "locked": d.Locked = r.ReadBoolean(); break;
                case "tryunlocktimes": d.TryUnlockTimes = r.ReadInt64(); break;
                case "lastlocktimestamp": d.LastLockTimestamp = r.ReadInt64(); break;
                case "droped": d.Dropped = r.ReadBoolean(); break;
                case "lastpulltimestamp": d.LastPullTimestamp = r.ReadInt64(); break;
                case "lastconsumetimestamp": d.LastConsumeTimestamp = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("cachedMsgCount"u8, CachedMsgCount);
        writer.WriteNumber("cachedMsgMaxOffset"u8, CachedMsgMaxOffset);
        writer.WriteNumber("cachedMsgMinOffset"u8, CachedMsgMinOffset);
        writer.WriteNumber("cachedMsgSizeInMiB"u8, CachedMsgSizeInMiB);
        writer.WriteNumber("commitOffset"u8, CommitOffset);
        writer.WriteBoolean("droped"u8, Dropped);
        writer.WriteNumber("lastConsumeTimestamp"u8, LastConsumeTimestamp);
        writer.WriteNumber("lastLockTimestamp"u8, LastLockTimestamp);
        writer.WriteNumber("lastPullTimestamp"u8, LastPullTimestamp);
        writer.WriteBoolean("locked"u8, Locked);
        writer.WriteNumber("transactionMsgCount"u8, TransactionMsgCount);
        writer.WriteNumber("transactionMsgMaxOffset"u8, TransactionMsgMaxOffset);
        writer.WriteNumber("transactionMsgMinOffset"u8, TransactionMsgMinOffset);
        writer.WriteNumber("tryUnlockTimes"u8, TryUnlockTimes);
        writer.WriteEndObject();
    }
}

/// <summary>One topic's consumption figures in <see cref="ConsumerRunningInfo"/> (RocketMQ <c>ConsumeStatus</c>).</summary>
public sealed class ConsumeStatus : JsonBody
{
    /// <summary>Mean pull round trip, ms.</summary>
    public double PullRT { get; set; }

    /// <summary>Messages pulled per second.</summary>
    public double PullTPS { get; set; }

    /// <summary>Mean handler time, ms.</summary>
    public double ConsumeRT { get; set; }

    /// <summary>Messages handled successfully per second.</summary>
    public double ConsumeOKTPS { get; set; }

    /// <summary>Messages whose handling failed, per second.</summary>
    public double ConsumeFailedTPS { get; set; }

    /// <summary>Messages whose handling failed.</summary>
    public long ConsumeFailedMsgs { get; set; }

    internal static ConsumeStatus Read(ref FastJsonReader reader)
    {
        var d = new ConsumeStatus();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, ConsumeStatus d) =>
        {
            switch (name)
            {
                case "pullrt": d.PullRT = r.ReadDouble(); break;
                case "pulltps": d.PullTPS = r.ReadDouble(); break;
                case "consumert": d.ConsumeRT = r.ReadDouble(); break;
                case "consumeoktps": d.ConsumeOKTPS = r.ReadDouble(); break;
                case "consumefailedtps": d.ConsumeFailedTPS = r.ReadDouble(); break;
                case "consumefailedmsgs": d.ConsumeFailedMsgs = r.ReadInt64(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("consumeFailedMsgs"u8, ConsumeFailedMsgs);
        writer.WriteNumber("consumeFailedTPS"u8, ConsumeFailedTPS);
        writer.WriteNumber("consumeOKTPS"u8, ConsumeOKTPS);
        writer.WriteNumber("consumeRT"u8, ConsumeRT);
        writer.WriteNumber("pullRT"u8, PullRT);
        writer.WriteNumber("pullTPS"u8, PullTPS);
        writer.WriteEndObject();
    }
}
