using System.Buffers;
using System.Text;

namespace Mq.Protocol.Json;

/// <summary>
/// Base of the JSON body DTOs (<c>RemotingSerializable</c> in RocketMQ): encodes compact JSON with Java's
/// field names in alphabetical order, nulls omitted. Each DTO has a static <c>Decode</c> that reads any
/// client dialect leniently.
/// </summary>
public abstract class JsonBody
{
    private protected JsonBody()
    {
    }

    /// <summary>Encodes the body as UTF-8 JSON.</summary>
    /// <param name="keyStyle">How numeric map keys are written; quoted (standard JSON) by default.</param>
    public byte[] Encode(JsonKeyStyle keyStyle = JsonKeyStyle.Quoted)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encode(buffer, keyStyle);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes the body as UTF-8 JSON into <paramref name="output"/>.</summary>
    public void Encode(IBufferWriter<byte> output, JsonKeyStyle keyStyle = JsonKeyStyle.Quoted)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(new FastJsonWriter(output, keyStyle));
    }

    /// <summary>The JSON text (quoted keys); for logs and diagnostics.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Encode());

    internal abstract void Write(FastJsonWriter writer);
}
