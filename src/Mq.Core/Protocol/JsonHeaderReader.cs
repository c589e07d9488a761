using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace Mq.Protocol;

/// <summary>
/// Lenient reader of JSON headers (the fastjson bean of RocketMQ <c>RemotingCommand</c>), as tolerant
/// as fastjson: quoted or unquoted keys, extFields values that are strings, raw numbers (kept as their
/// literal digits, never through double) or booleans, raw control characters inside strings, unknown
/// fields ignored, missing flag/opaque/version = 0, unknown language = OTHER. Strings are unescaped in
/// place inside the frame buffer (an escape is never shorter than what it stands for), so extFields
/// are slices of the frame and nothing is allocated.
/// </summary>
internal ref struct JsonHeaderReader
{
    private const int MaxDepth = 64;

    private readonly byte[] _buffer;
    private readonly int _end;
    private int _pos;

    private JsonHeaderReader(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _pos = start;
        _end = start + length;
    }

    /// <summary>Decodes the header at <paramref name="start"/> of <paramref name="frame"/> into <paramref name="command"/>.</summary>
    public static void Read(byte[] frame, int start, int length, RemotingCommand command, Utf8StringCache? cache)
    {
        var reader = new JsonHeaderReader(frame, start, length);
        reader.ReadCommand(command, cache);
    }

    private void ReadCommand(RemotingCommand command, Utf8StringCache? cache)
    {
        command.Flag = 0;
        command.Opaque = 0;
        command.Version = 0;
        command.Language = LanguageCode.Java; // Java's field default, kept when the key is absent
        command.Remark = null;
        command.SerializeType = SerializeType.Json;
        SkipWhitespace();
        Expect((byte)'{');
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return;
        }
        while (true)
        {
            (int keyStart, int keyLength) = ReadKey();
            SkipWhitespace();
            Expect((byte)':');
            SkipWhitespace();
            ReadOnlySpan<byte> key = _buffer.AsSpan(keyStart, keyLength);
            if (key.SequenceEqual("code"u8))
            {
                command.Code = ReadInt32();
            }
            else if (key.SequenceEqual("opaque"u8))
            {
                command.Opaque = ReadInt32();
            }
            else if (key.SequenceEqual("flag"u8))
            {
                command.Flag = ReadInt32();
            }
            else if (key.SequenceEqual("version"u8))
            {
                command.Version = ReadInt32();
            }
            else if (key.SequenceEqual("language"u8))
            {
                (int s, int l, bool isNull) = ReadScalar();
                command.Language = isNull ? LanguageCode.Other : LanguageCodeNames.Parse(_buffer.AsSpan(s, l));
            }
            else if (key.SequenceEqual("remark"u8))
            {
                (int s, int l, bool isNull) = ReadScalar();
                command.Remark = isNull ? null
                    : cache is not null ? cache.Get(_buffer.AsSpan(s, l)) : Encoding.UTF8.GetString(_buffer, s, l);
            }
            else if (key.SequenceEqual("extFields"u8))
            {
                ReadExtFields(command);
            }
            else
            {
                SkipValue();
            }
            SkipWhitespace();
            byte next = Next();
            if (next == '}')
            {
                return;
            }
            if (next != ',')
            {
                throw Malformed("expected ',' or '}'");
            }
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++; // trailing comma, tolerated like fastjson
                return;
            }
        }
    }

    private void ReadExtFields(RemotingCommand command)
    {
        if (Peek() != '{')
        {
            (_, _, bool isNull) = ReadScalar();
            if (!isNull)
            {
                throw Malformed("extFields is not an object");
            }
            return;
        }
        _pos++;
        ExtFields fields = command.ExtFields;
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return;
        }
        while (true)
        {
            (int keyStart, int keyLength) = ReadKey();
            SkipWhitespace();
            Expect((byte)':');
            SkipWhitespace();
            byte c = Peek();
            if (c == '{' || c == '[')
            {
                int start = _pos;
                SkipValue();
                fields.PutSlice(keyStart, keyLength, start, _pos - start);
            }
            else
            {
                (int s, int l, bool isNull) = ReadScalar();
                if (!isNull)
                {
                    fields.PutSlice(keyStart, keyLength, s, l);
                }
            }
            SkipWhitespace();
            byte next = Next();
            if (next == '}')
            {
                return;
            }
            if (next != ',')
            {
                throw Malformed("expected ',' or '}' in extFields");
            }
            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++;
                return;
            }
        }
    }

    /// <summary>A key: quoted (double or single) or a bare run of characters up to ':'.</summary>
    private (int Start, int Length) ReadKey()
    {
        byte c = Peek();
        if (c == '"' || c == '\'')
        {
            _pos++;
            return ReadStringBody(c);
        }
        int start = _pos;
        while (_pos < _end)
        {
            byte b = _buffer[_pos];
            if (b == ':' || b == ' ' || b == '\t' || b == '\r' || b == '\n')
            {
                break;
            }
            if (b == '{' || b == '}' || b == ',' || b == '"')
            {
                throw Malformed("bad key");
            }
            _pos++;
        }
        if (_pos == start)
        {
            throw Malformed("empty key");
        }
        return (start, _pos - start);
    }

    /// <summary>A string (unescaped in place), or the literal text of a number/boolean/bare word.</summary>
    private (int Start, int Length, bool IsNull) ReadScalar()
    {
        byte c = Peek();
        if (c == '"' || c == '\'')
        {
            _pos++;
            (int s, int l) = ReadStringBody(c);
            return (s, l, false);
        }
        int start = _pos;
        while (_pos < _end)
        {
            byte b = _buffer[_pos];
            if (b == ',' || b == '}' || b == ']' || b == ' ' || b == '\t' || b == '\r' || b == '\n')
            {
                break;
            }
            if (b == '{' || b == '[' || b == '"' || b == ':')
            {
                throw Malformed("unexpected character in value");
            }
            _pos++;
        }
        int length = _pos - start;
        if (length == 0)
        {
            throw Malformed("missing value");
        }
        bool isNull = length == 4 && _buffer.AsSpan(start, 4).SequenceEqual("null"u8);
        return (start, length, isNull);
    }

    private int ReadInt32()
    {
        (int s, int l, bool isNull) = ReadScalar();
        if (isNull)
        {
            return 0;
        }
        if (!Utf8Parser.TryParse(_buffer.AsSpan(s, l), out int value, out int consumed) || consumed != l)
        {
            throw Malformed("not a 32-bit integer");
        }
        return value;
    }

    /// <summary>Reads after the opening quote up to the closing one; unescapes in place.</summary>
    private (int Start, int Length) ReadStringBody(byte quote)
    {
        int start = _pos;
        int write = _pos;
        while (true)
        {
            if (_pos >= _end)
            {
                throw Malformed("unterminated string");
            }
            byte b = _buffer[_pos++];
            if (b == quote)
            {
                return (start, write - start);
            }
            if (b != '\\')
            {
                _buffer[write++] = b; // raw control characters are accepted, like fastjson
                continue;
            }
            if (_pos >= _end)
            {
                throw Malformed("unterminated escape");
            }
            byte e = _buffer[_pos++];
            switch (e)
            {
                case (byte)'"': case (byte)'\\': case (byte)'/': case (byte)'\'':
                    _buffer[write++] = e;
                    break;
                case (byte)'b': _buffer[write++] = 0x08; break;
                case (byte)'f': _buffer[write++] = 0x0C; break;
                case (byte)'n': _buffer[write++] = 0x0A; break;
                case (byte)'r': _buffer[write++] = 0x0D; break;
                case (byte)'t': _buffer[write++] = 0x09; break;
                case (byte)'u':
                    write = WriteUnicodeEscape(write);
                    break;
                default:
                    throw Malformed("bad escape");
            }
        }
    }

    private int WriteUnicodeEscape(int write)
    {
        int code = ReadHex4();
        if (char.IsHighSurrogate((char)code) && _pos + 6 <= _end && _buffer[_pos] == '\\' && _buffer[_pos + 1] == 'u')
        {
            int save = _pos;
            _pos += 2;
            int low = ReadHex4();
            if (char.IsLowSurrogate((char)low))
            {
                code = char.ConvertToUtf32((char)code, (char)low);
            }
            else
            {
                _pos = save;
            }
        }
        if (code is >= 0xD800 and <= 0xDFFF)
        {
            code = 0xFFFD; // lone surrogate, as Java's UTF-8 encoder would replace it
        }
        Span<byte> utf8 = stackalloc byte[4];
        int n = new Rune(code).EncodeToUtf8(utf8);
        utf8[..n].CopyTo(_buffer.AsSpan(write)); // n <= 6 bytes consumed by the escape, so this never overtakes _pos
        return write + n;
    }

    private int ReadHex4()
    {
        if (_pos + 4 > _end)
        {
            throw Malformed("short \\u escape");
        }
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            int b = _buffer[_pos++];
            int digit = b switch
            {
                >= '0' and <= '9' => b - '0',
                >= 'a' and <= 'f' => b - 'a' + 10,
                >= 'A' and <= 'F' => b - 'A' + 10,
                _ => throw Malformed("bad \\u escape"),
            };
            value = (value << 4) | digit;
        }
        return value;
    }

    /// <summary>Skips any value (nested objects and arrays iteratively, depth-limited).</summary>
    private void SkipValue()
    {
        int depth = 0;
        while (true)
        {
            SkipWhitespace();
            byte c = Peek();
            if (c == '{' || c == '[')
            {
                if (++depth > MaxDepth)
                {
                    throw Malformed("nesting too deep");
                }
                _pos++;
                continue;
            }
            if (c == '}' || c == ']')
            {
                if (depth == 0)
                {
                    throw Malformed("unexpected close");
                }
                depth--;
                _pos++;
            }
            else if (c == ',' || c == ':')
            {
                if (depth == 0)
                {
                    throw Malformed("unexpected separator");
                }
                _pos++;
                continue;
            }
            else if (c == '"' || c == '\'')
            {
                _pos++;
                SkipStringBody(c);
            }
            else
            {
                ReadScalar();
            }
            if (depth == 0)
            {
                return;
            }
        }
    }

    private void SkipStringBody(byte quote)
    {
        while (_pos < _end)
        {
            byte b = _buffer[_pos++];
            if (b == quote)
            {
                return;
            }
            if (b == '\\')
            {
                _pos++;
            }
        }
        throw Malformed("unterminated string");
    }

    private void SkipWhitespace()
    {
        while (_pos < _end)
        {
            byte b = _buffer[_pos];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n')
            {
                return;
            }
            _pos++;
        }
    }

    private readonly byte Peek() => _pos < _end ? _buffer[_pos] : throw Malformed("unexpected end of header");

    private byte Next() => _pos < _end ? _buffer[_pos++] : throw Malformed("unexpected end of header");

    private void Expect(byte expected)
    {
        if (Next() != expected)
        {
            throw Malformed("expected '" + (char)expected + "'");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly RemotingProtocolException Malformed(string what) =>
        new("malformed JSON header: " + what + " at byte " + _pos.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
