using System.Buffers;
using System.Text;

namespace Mq.Protocol.Json;

internal ref partial struct FastJsonReader
{
    /// <summary>Reads a quoted string token (double or single quotes) and decodes its escapes.</summary>
    private string ReadStringToken()
    {
        int start = _pos;
        byte quote = _json[_pos];
        int end = FindStringEnd(quote, out bool hasEscapes);
        ReadOnlySpan<byte> content = _json[(start + 1)..end];
        _pos = end + 1;
        if (!hasEscapes)
        {
            return content.IsEmpty ? string.Empty : Encoding.UTF8.GetString(content);
        }
        return Unescape(content, start + 1);
    }

    private void SkipString()
    {
        int end = FindStringEnd(_json[_pos], out _);
        _pos = end + 1;
    }

    /// <summary>Index of the closing quote. Raw control characters are accepted (NewLife sends them).</summary>
    private readonly int FindStringEnd(byte quote, out bool hasEscapes)
    {
        hasEscapes = false;
        int i = _pos + 1;
        while (true)
        {
            int rel = _json[i..].IndexOfAny(quote, (byte)'\\');
            if (rel < 0)
            {
                throw Error("Unterminated string", _pos);
            }
            i += rel;
            if (_json[i] == quote)
            {
                return i;
            }
            hasEscapes = true;
            i += 2; // the backslash and the escaped byte
            if (i > _json.Length)
            {
                throw Error("Unterminated string", _pos);
            }
        }
    }

    private static string Unescape(ReadOnlySpan<byte> content, int position)
    {
        // UTF-16 never needs more code units than the UTF-8 input has bytes.
        char[] buffer = ArrayPool<char>.Shared.Rent(content.Length);
        try
        {
            int written = 0;
            int i = 0;
            while (i < content.Length)
            {
                int rel = content[i..].IndexOf((byte)'\\');
                int runEnd = rel < 0 ? content.Length : i + rel;
                if (runEnd > i)
                {
                    // Runs end at an ASCII backslash, so no multi-byte sequence is ever split.
                    written += Encoding.UTF8.GetChars(content[i..runEnd], buffer.AsSpan(written));
                }
                if (rel < 0)
                {
                    break;
                }
                i = runEnd + 1;
                byte e = content[i];
                switch (e)
                {
                    case (byte)'b': buffer[written++] = '\b'; i++; break;
                    case (byte)'f': buffer[written++] = '\f'; i++; break;
                    case (byte)'n': buffer[written++] = '\n'; i++; break;
                    case (byte)'r': buffer[written++] = '\r'; i++; break;
                    case (byte)'t': buffer[written++] = '\t'; i++; break;
                    case (byte)'u':
                        if (i + 5 > content.Length || !TryParseHex(content.Slice(i + 1, 4), out char unit))
                        {
                            throw Error("Invalid \\u escape", position + i - 1);
                        }
                        buffer[written++] = unit;
                        i += 5;
                        break;
                    case (byte)'x':
                        // fastjson accepts \xHH.
                        if (i + 3 > content.Length || !TryParseHex(content.Slice(i + 1, 2), out char hex))
                        {
                            throw Error("Invalid \\x escape", position + i - 1);
                        }
                        buffer[written++] = hex;
                        i += 3;
                        break;
                    default:
                        // \" \\ \/ \' and any other escaped ASCII byte stand for themselves.
                        if (e >= 0x80)
                        {
                            throw Error("Invalid escape", position + i - 1);
                        }
                        buffer[written++] = (char)e;
                        i++;
                        break;
                }
            }
            return new string(buffer, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static bool TryParseHex(ReadOnlySpan<byte> hex, out char value)
    {
        int v = 0;
        foreach (byte b in hex)
        {
            int d = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (d < 0)
            {
                value = default;
                return false;
            }
            v = (v << 4) | d;
        }
        value = (char)v;
        return true;
    }
}
