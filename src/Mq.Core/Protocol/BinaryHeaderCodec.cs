using System.Buffers.Binary;
using System.Text;

namespace Mq.Protocol;

/// <summary>
/// The ROCKETMQ binary header (RocketMQ <c>RocketMQSerializable</c>): code int16, language byte, version
/// int16, opaque int32, flag int32, remark (int32 length + UTF-8), ext block (int32 length + entries of
/// int16 key length, key, int32 value length, value). A zero length reads as null, so empty values
/// are absent after decoding (as in Java).
/// </summary>
internal static class BinaryHeaderCodec
{
    /// <summary>Fixed part: 2 + 1 + 2 + 4 + 4 + 4 (remark length) + 4 (ext length).</summary>
    public const int FixedLength = 21;

    /// <summary>Exact byte length of the header.</summary>
    public static int Measure(RemotingCommand command, int remarkLength)
    {
        if (command.Code is > short.MaxValue or < short.MinValue)
        {
            throw new RemotingProtocolException("code " + command.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " does not fit the ROCKETMQ binary header; use JSON");
        }
        return FixedLength + remarkLength + ExtLength(command);
    }

    private static int ExtLength(RemotingCommand command)
    {
        if (!command.HasExtFields)
        {
            return 0;
        }
        ExtFields fields = command.ExtFields;
        int length = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            length += 2 + fields.KeyAt(i).Length + 4 + fields.ValueAt(i).Length;
        }
        return length;
    }

    /// <summary>Writes the header into <paramref name="destination"/>.</summary>
    public static int Write(RemotingCommand command, ReadOnlySpan<byte> remarkUtf8, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt16BigEndian(destination, (short)command.Code);
        destination[2] = (byte)command.Language;
        BinaryPrimitives.WriteInt16BigEndian(destination[3..], (short)command.Version);
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], command.Opaque);
        BinaryPrimitives.WriteInt32BigEndian(destination[9..], command.Flag);
        BinaryPrimitives.WriteInt32BigEndian(destination[13..], remarkUtf8.Length);
        remarkUtf8.CopyTo(destination[17..]);
        int pos = 17 + remarkUtf8.Length;
        int extLength = ExtLength(command);
        BinaryPrimitives.WriteInt32BigEndian(destination[pos..], extLength);
        pos += 4;
        if (extLength > 0)
        {
            ExtFields fields = command.ExtFields;
            for (int i = 0; i < fields.Count; i++)
            {
                ReadOnlySpan<byte> key = fields.KeyAt(i);
                ReadOnlySpan<byte> value = fields.ValueAt(i);
                BinaryPrimitives.WriteInt16BigEndian(destination[pos..], (short)key.Length);
                key.CopyTo(destination[(pos + 2)..]);
                pos += 2 + key.Length;
                BinaryPrimitives.WriteInt32BigEndian(destination[pos..], value.Length);
                value.CopyTo(destination[(pos + 4)..]);
                pos += 4 + value.Length;
            }
        }
        return pos;
    }

    /// <summary>Decodes the header at <paramref name="start"/> of <paramref name="frame"/>.</summary>
    public static void Read(byte[] frame, int start, int length, RemotingCommand command, Utf8StringCache? cache)
    {
        if (length < FixedLength)
        {
            throw Malformed("header shorter than 21 bytes");
        }
        ReadOnlySpan<byte> span = frame.AsSpan(start, length);
        command.Code = BinaryPrimitives.ReadInt16BigEndian(span);
        command.Language = LanguageCodeNames.FromByte(span[2]);
        command.Version = BinaryPrimitives.ReadInt16BigEndian(span[3..]);
        command.Opaque = BinaryPrimitives.ReadInt32BigEndian(span[5..]);
        command.Flag = BinaryPrimitives.ReadInt32BigEndian(span[9..]);
        command.SerializeType = SerializeType.RocketMq;
        int remarkLength = BinaryPrimitives.ReadInt32BigEndian(span[13..]);
        if (remarkLength < 0 || remarkLength > length - FixedLength)
        {
            throw Malformed("remark length out of range");
        }
        ReadOnlySpan<byte> remark = span.Slice(17, remarkLength);
        command.Remark = remarkLength == 0 ? null : cache is not null ? cache.Get(remark) : Encoding.UTF8.GetString(remark);
        int pos = 17 + remarkLength;
        int extLength = BinaryPrimitives.ReadInt32BigEndian(span[pos..]);
        pos += 4;
        if (extLength < 0 || extLength > length - pos)
        {
            throw Malformed("ext length out of range");
        }
        int extEnd = pos + extLength;
        ExtFields? fields = extLength > 0 ? command.ExtFields : null;
        while (pos < extEnd)
        {
            if (extEnd - pos < 2)
            {
                throw Malformed("truncated ext key length");
            }
            int keyLength = BinaryPrimitives.ReadInt16BigEndian(span[pos..]);
            pos += 2;
            if (keyLength < 0 || keyLength > extEnd - pos - 4)
            {
                throw Malformed("ext key length out of range");
            }
            int keyStart = pos;
            pos += keyLength;
            int valueLength = BinaryPrimitives.ReadInt32BigEndian(span[pos..]);
            pos += 4;
            if (valueLength < 0 || valueLength > extEnd - pos)
            {
                throw Malformed("ext value length out of range");
            }
            if (keyLength > 0 && valueLength > 0)
            {
                fields!.PutSlice(start + keyStart, keyLength, start + pos, valueLength);
            }
            pos += valueLength;
        }
    }

    private static RemotingProtocolException Malformed(string what) => new("malformed ROCKETMQ header: " + what);
}
