using System.Buffers.Binary;

namespace Mq.Messages;

/// <summary>
/// Reads the inner messages of a SEND_BATCH_MESSAGE body (§4.5; RocketMQ
/// <c>MessageDecoder.encodeMessage</c> writes them): <c>[size][magic=0][crc=0][flag][bodyLen][body][propLen][props]</c>.
/// </summary>
public ref struct BatchMessageReader
{
    private const int InnerFixedLength = 4 + 4 + 4 + 4 + 4 + 2;

    private ReadOnlySpan<byte> _remaining;

    /// <summary>Starts reading <paramref name="body"/>.</summary>
    public BatchMessageReader(ReadOnlySpan<byte> body) => _remaining = body;

    /// <summary>
    /// Reads the next inner message. Returns false at the end; throws <see cref="InvalidDataException"/>
    /// on a malformed inner record (use <see cref="Validate"/> first to turn that into a status).
    /// </summary>
    public bool TryReadNext(out BatchInnerMessage message)
    {
        message = default;
        if (_remaining.IsEmpty)
        {
            return false;
        }
        if (!TryParse(_remaining, out message, out int size))
        {
            throw new InvalidDataException("Malformed inner message in a batch body.");
        }
        _remaining = _remaining[size..];
        return true;
    }

    /// <summary>
    /// Checks a whole batch body; returns the number of inner messages, or -1 if any inner record is
    /// malformed or the body is empty.
    /// </summary>
    public static int Validate(ReadOnlySpan<byte> body)
    {
        int count = 0;
        while (!body.IsEmpty)
        {
            if (!TryParse(body, out _, out int size))
            {
                return -1;
            }
            body = body[size..];
            count++;
        }
        return count == 0 ? -1 : count;
    }

    private static bool TryParse(ReadOnlySpan<byte> source, out BatchInnerMessage message, out int size)
    {
        message = default;
        size = 0;
        if (source.Length < InnerFixedLength)
        {
            return false;
        }
        int totalSize = BinaryPrimitives.ReadInt32BigEndian(source);
        if (totalSize < InnerFixedLength || totalSize > source.Length)
        {
            return false;
        }
        int flag = BinaryPrimitives.ReadInt32BigEndian(source[12..]);
        int bodyLength = BinaryPrimitives.ReadInt32BigEndian(source[16..]);
        if (bodyLength < 0 || 20L + bodyLength + 2 > totalSize)
        {
            return false;
        }
        var body = source.Slice(20, bodyLength);
        int position = 20 + bodyLength;
        int propertiesLength = BinaryPrimitives.ReadInt16BigEndian(source[position..]);
        position += 2;
        if (propertiesLength < 0 || position + propertiesLength != totalSize)
        {
            return false;
        }
        message = new BatchInnerMessage(flag, body, source.Slice(position, propertiesLength));
        size = totalSize;
        return true;
    }

    /// <summary>Encodes one inner message as a client does (used by tests and tools).</summary>
    public static byte[] EncodeInner(int flag, ReadOnlySpan<byte> body, ReadOnlySpan<byte> properties)
    {
        int total = InnerFixedLength + body.Length + properties.Length;
        var result = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(result, total);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(12), flag);
        BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(16), body.Length);
        body.CopyTo(result.AsSpan(20));
        BinaryPrimitives.WriteInt16BigEndian(result.AsSpan(20 + body.Length), (short)properties.Length);
        properties.CopyTo(result.AsSpan(22 + body.Length));
        return result;
    }
}
