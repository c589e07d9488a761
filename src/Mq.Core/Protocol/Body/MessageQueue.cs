using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// A queue: topic, broker name, queue id (RocketMQ <c>MessageQueue</c>); ordered like Java's
/// <c>compareTo</c>. Also a JSON map key (fastjson writes it as an unquoted object).
/// </summary>
/// <param name="Topic">Topic.</param>
/// <param name="BrokerName">Broker name.</param>
/// <param name="QueueId">Queue id.</param>
public sealed record MessageQueue(string Topic, string BrokerName, int QueueId) : IComparable<MessageQueue>
{
    /// <inheritdoc />
    public int CompareTo(MessageQueue? other)
    {
        if (other is null)
        {
            return 1;
        }
        int c = string.CompareOrdinal(Topic, other.Topic);
        if (c != 0)
        {
            return c;
        }
        c = string.CompareOrdinal(BrokerName, other.BrokerName);
        return c != 0 ? c : QueueId.CompareTo(other.QueueId);
    }

    internal static MessageQueue Read(ref FastJsonReader reader)
    {
        string topic = string.Empty;
        string brokerName = string.Empty;
        int queueId = 0;
        if (reader.TryReadNull())
        {
            throw reader.Error("A MessageQueue cannot be null");
        }
        reader.ReadStartObject();
        while (reader.NextMember())
        {
            switch (reader.ReadPropertyName())
            {
                case "topic": topic = reader.ReadString() ?? string.Empty; break;
                case "brokername": brokerName = reader.ReadString() ?? string.Empty; break;
                case "queueid": queueId = reader.ReadInt32(); break;
                default: reader.SkipValue(); break;
            }
        }
        return new MessageQueue(topic, brokerName, queueId);
    }

    /// <summary>
    /// Reads a MessageQueue map key and its colon: fastjson's bare object key, or the same object
    /// JSON inside a quoted string (how a standard-JSON writer would have to carry it).
    /// </summary>
    internal static MessageQueue ReadKey(ref FastJsonReader reader)
    {
        MessageQueue mq;
        if (reader.PeekKind() == JsonTokenKind.String)
        {
            int position = reader.Position;
            string text = reader.ReadString()!;
            try
            {
                mq = JsonBodyReader.Decode(System.Text.Encoding.UTF8.GetBytes(text), Read);
            }
            catch (JsonBodyException e)
            {
                throw new JsonBodyException($"Map key is not a MessageQueue: {e.Message}", position);
            }
        }
        else
        {
            mq = Read(ref reader);
        }
        reader.ReadNameSeparator();
        return mq;
    }

    internal static List<MessageQueue> ReadSet(ref FastJsonReader reader) => JsonBodyReader.ReadList(ref reader, Read);

    internal void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("brokerName"u8, BrokerName);
        writer.WriteNumber("queueId"u8, QueueId);
        writer.WriteString("topic"u8, Topic);
        writer.WriteEndObject();
    }

    /// <summary>Writes the queue as a fastjson object-valued map key.</summary>
    internal void WriteKey(FastJsonWriter writer)
    {
        writer.BeginObjectKey();
        Write(writer);
        writer.EndObjectKey();
    }

    internal static void WriteSet(FastJsonWriter writer, ReadOnlySpan<byte> name, IEnumerable<MessageQueue> set)
    {
        writer.WritePropertyName(name);
        writer.WriteStartArray();
        foreach (MessageQueue mq in set)
        {
            mq.Write(writer);
        }
        writer.WriteEndArray();
    }
}
