using System.Buffers;
using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// Version stamp of a broker's topic configs (RocketMQ <c>DataVersion</c>): equal when timestamp and counter
/// are equal. JSON <c>{"counter":12,"timestamp":1700000000000}</c>.
/// </summary>
/// <param name="Timestamp">Epoch milliseconds of the last change.</param>
/// <param name="Counter">Number of changes.</param>
public readonly record struct DataVersion(long Timestamp, long Counter)
{
    /// <summary>The next version: counter + 1, timestamp = <paramref name="nowMillis"/>.</summary>
    public DataVersion Next(long nowMillis) => new(nowMillis, Counter + 1);

    /// <summary>Decodes the JSON form (5.x's extra <c>stateVersion</c> is ignored).</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static DataVersion Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    /// <summary>Encodes the JSON form.</summary>
    public byte[] Encode()
    {
        var buffer = new ArrayBufferWriter<byte>(48);
        Write(new FastJsonWriter(buffer, JsonKeyStyle.Quoted));
        return buffer.WrittenSpan.ToArray();
    }

    internal static DataVersion Read(ref FastJsonReader reader)
    {
        long timestamp = 0;
        long counter = 0;
        if (reader.TryReadNull())
        {
            return default;
        }
        reader.ReadStartObject();
        while (reader.NextMember())
        {
            switch (reader.ReadPropertyName())
            {
                case "timestamp": timestamp = reader.ReadInt64(); break;
                case "counter": counter = reader.ReadInt64(); break;
                default: reader.SkipValue(); break;
            }
        }
        return new DataVersion(timestamp, counter);
    }

    internal void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("counter"u8, Counter);
        writer.WriteNumber("timestamp"u8, Timestamp);
        writer.WriteEndObject();
    }
}
