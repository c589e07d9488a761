using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>Queues of one topic on one broker name (RocketMQ <c>QueueData</c>), part of <see cref="TopicRouteData"/>.</summary>
public sealed class QueueData : JsonBody, IEquatable<QueueData>
{
    /// <summary>Broker name (master and slaves share it).</summary>
    public string BrokerName { get; set; } = string.Empty;

    /// <summary>Readable queues.</summary>
    public int ReadQueueNums { get; set; }

    /// <summary>Writable queues.</summary>
    public int WriteQueueNums { get; set; }

    /// <summary>PermName bits: 8 PRIORITY, 4 READ, 2 WRITE, 1 INHERIT.</summary>
    public int Perm { get; set; }

    /// <summary>Topic system flag; read from <c>topicSysFlag</c> or the pre-4.9 spelling <c>topicSynFlag</c>.</summary>
    public int TopicSysFlag { get; set; }

    /// <summary>A copy.</summary>
    public QueueData Clone() => (QueueData)MemberwiseClone();

    /// <summary>Decodes a QueueData.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static QueueData Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    /// <inheritdoc />
    public bool Equals(QueueData? other) =>
        other is not null && BrokerName == other.BrokerName && ReadQueueNums == other.ReadQueueNums
        && WriteQueueNums == other.WriteQueueNums && Perm == other.Perm && TopicSysFlag == other.TopicSysFlag;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as QueueData);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(BrokerName, ReadQueueNums, WriteQueueNums, Perm, TopicSysFlag);

    internal static QueueData Read(ref FastJsonReader reader)
    {
        var d = new QueueData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, QueueData d) =>
        {
            switch (name)
            {
                case "brokername": d.BrokerName = r.ReadString() ?? string.Empty; break;
                case "readqueuenums": d.ReadQueueNums = r.ReadInt32(); break;
                case "writequeuenums": d.WriteQueueNums = r.ReadInt32(); break;
                case "perm": d.Perm = r.ReadInt32(); break;
                case "topicsysflag":
                case "topicsynflag": d.TopicSysFlag = r.ReadInt32(); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("brokerName"u8, BrokerName);
        writer.WriteNumber("perm"u8, Perm);
        writer.WriteNumber("readQueueNums"u8, ReadQueueNums);
        writer.WriteNumber("topicSysFlag"u8, TopicSysFlag);
        writer.WriteNumber("writeQueueNums"u8, WriteQueueNums);
        writer.WriteEndObject();
    }
}
