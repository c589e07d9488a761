using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Mq.Protocol;

/// <summary>
/// Writes JSON headers strictly (ali-ons parses them with <c>JSON.parse</c>): quoted keys, compact,
/// control characters as <c>\u00XX</c>, non-ASCII raw UTF-8, keys in fastjson's alphabetical order
/// (RocketMQ <c>RemotingSerializable.encode</c> of <c>RemotingCommand</c>). Lengths are measured first
/// so the frame is written in one pass.
/// </summary>
internal static class JsonHeaderWriter
{
    private static ReadOnlySpan<byte> Code => "{\"code\":"u8;
    private static ReadOnlySpan<byte> ExtFieldsOpen => ",\"extFields\":{"u8;
    private static ReadOnlySpan<byte> FlagKey => ",\"flag\":"u8;
    private static ReadOnlySpan<byte> LanguageKey => ",\"language\":\""u8;
    private static ReadOnlySpan<byte> OpaqueKey => ",\"opaque\":"u8;
    private static ReadOnlySpan<byte> RemarkKey => ",\"remark\":\""u8;
    private static ReadOnlySpan<byte> SerializeTypeKey => ",\"serializeTypeCurrentRPC\":\"JSON\""u8;
    private static ReadOnlySpan<byte> VersionKey => ",\"version\":"u8;

    /// <summary>Exact byte length of the header.</summary>
    public static int Measure(RemotingCommand command, ReadOnlySpan<byte> remarkUtf8)
    {
        int length = Code.Length + Digits(command.Code);
        if (command.HasExtFields)
        {
            ExtFields fields = command.ExtFields;
            length += ExtFieldsOpen.Length + 1 + (fields.Count - 1);
            for (int i = 0; i < fields.Count; i++)
            {
                length += 1 + EscapedLength(fields.KeyAt(i)) + 3 + EscapedLength(fields.ValueAt(i)) + 1;
            }
        }
        length += FlagKey.Length + Digits(command.Flag);
        length += LanguageKey.Length + LanguageCodeNames.Utf8(command.Language).Length + 1;
        length += OpaqueKey.Length + Digits(command.Opaque);
        if (command.Remark is not null)
        {
            length += RemarkKey.Length + EscapedLength(remarkUtf8) + 1;
        }
        length += SerializeTypeKey.Length + VersionKey.Length + Digits(command.Version) + 1;
        return length;
    }

    /// <summary>Writes the header into <paramref name="destination"/> (exactly <see cref="Measure"/> bytes).</summary>
    public static int Write(RemotingCommand command, ReadOnlySpan<byte> remarkUtf8, Span<byte> destination)
    {
        int pos = 0;
        Put(Code, destination, ref pos);
        Number(command.Code, destination, ref pos);
        if (command.HasExtFields)
        {
            ExtFields fields = command.ExtFields;
            Put(ExtFieldsOpen, destination, ref pos);
            for (int i = 0; i < fields.Count; i++)
            {
                if (i > 0)
                {
                    destination[pos++] = (byte)',';
                }
                destination[pos++] = (byte)'"';
                Escaped(fields.KeyAt(i), destination, ref pos);
                Put("\":\""u8, destination, ref pos);
                Escaped(fields.ValueAt(i), destination, ref pos);
                destination[pos++] = (byte)'"';
            }
            destination[pos++] = (byte)'}';
        }
        Put(FlagKey, destination, ref pos);
        Number(command.Flag, destination, ref pos);
        Put(LanguageKey, destination, ref pos);
        Put(LanguageCodeNames.Utf8(command.Language), destination, ref pos);
        destination[pos++] = (byte)'"';
        Put(OpaqueKey, destination, ref pos);
        Number(command.Opaque, destination, ref pos);
        if (command.Remark is not null)
        {
            Put(RemarkKey, destination, ref pos);
            Escaped(remarkUtf8, destination, ref pos);
            destination[pos++] = (byte)'"';
        }
        Put(SerializeTypeKey, destination, ref pos);
        Put(VersionKey, destination, ref pos);
        Number(command.Version, destination, ref pos);
        destination[pos++] = (byte)'}';
        return pos;
    }

    /// <summary>Length of a UTF-8 string once escaped for JSON.</summary>
    public static int EscapedLength(ReadOnlySpan<byte> utf8)
    {
        int length = utf8.Length;
        foreach (byte b in utf8)
        {
            if (b < 0x20)
            {
                length += 5;
            }
            else if (b == '"' || b == '\\')
            {
                length += 1;
            }
        }
        return length;
    }

    private static void Escaped(ReadOnlySpan<byte> utf8, Span<byte> destination, ref int pos)
    {
        int runStart = 0;
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b >= 0x20 && b != '"' && b != '\\')
            {
                continue;
            }
            Put(utf8[runStart..i], destination, ref pos);
            runStart = i + 1;
            destination[pos++] = (byte)'\\';
            if (b >= 0x20)
            {
                destination[pos++] = b;
                continue;
            }
            destination[pos++] = (byte)'u';
            destination[pos++] = (byte)'0';
            destination[pos++] = (byte)'0';
            destination[pos++] = HexDigit(b >> 4);
            destination[pos++] = HexDigit(b & 0xF);
        }
        Put(utf8[runStart..], destination, ref pos);
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    private static void Put(ReadOnlySpan<byte> bytes, Span<byte> destination, ref int pos)
    {
        bytes.CopyTo(destination[pos..]);
        pos += bytes.Length;
    }

    private static void Number(int value, Span<byte> destination, ref int pos)
    {
        Utf8Formatter.TryFormat(value, destination[pos..], out int written);
        pos += written;
    }

    /// <summary>Decimal digits of <paramref name="value"/> including a minus sign.</summary>
    public static int Digits(int value)
    {
        if (value < 0)
        {
            return value == int.MinValue ? 11 : 1 + Digits(-value);
        }
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    /// <summary>Encodes a remark into a rented buffer (remarks are rare and short; cold path).</summary>
    public static byte[]? RentRemark(string? remark, out int length)
    {
        if (remark is null)
        {
            length = 0;
            return null;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(16, Encoding.UTF8.GetMaxByteCount(remark.Length)));
        length = Encoding.UTF8.GetBytes(remark, buffer);
        return buffer;
    }
}
