using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Mq.Protocol.Json;

/// <summary>
/// A forward-only, lenient JSON reader for bodies written by fastjson (Java), Go, ali-ons and NewLife
/// clients (remoting-protocol.md §2.1-2.2).
/// </summary>
/// <remarks>
/// Why not System.Text.Json: fastjson writes map keys unquoted (<c>{0:"addr"}</c>) and even as JSON
/// objects (<c>{{"brokerName":"b","queueId":0,"topic":"T"}:100}</c>), other clients send raw control
/// characters inside strings, numbers where strings are expected and numeric strings where numbers are
/// expected, and match property names case-insensitively (NewLife sends <c>"ClientID"</c>). Utf8JsonReader
/// rejects the first three outright, so STJ would need a normalising pre-pass (a second copy of every
/// body) plus a converter for nearly every property. One small tokenizer with hand-written binders per
/// DTO is a single pass, never goes through <c>double</c> for integers (Go sends nanosecond
/// <c>subVersion</c> values beyond 2^53) and keeps the whole dialect in one place.
/// Leniency follows fastjson's parser: single-quoted strings, unquoted keys, a trailing comma, unknown
/// properties skipped by the binders. Anything else is a <see cref="JsonBodyException"/> with the byte
/// position.
/// </remarks>
internal ref partial struct FastJsonReader
{
    /// <summary>Deepest nesting accepted; RocketMQ bodies nest at most ~6 levels.</summary>
    public const int MaxDepth = 64;

    private readonly ReadOnlySpan<byte> _json;
    private int _pos;
    private int _depth;
    private ulong _hasItems; // bit d set: the container at depth d already holds a member/element

    public FastJsonReader(ReadOnlySpan<byte> json)
    {
        // A UTF-8 BOM may lead a file written by another tool.
        _json = json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? json[3..] : json;
        _pos = 0;
        _depth = 0;
        _hasItems = 0;
    }

    /// <summary>Current byte offset.</summary>
    public readonly int Position => _pos;

    /// <summary>Kind of the next value, after whitespace.</summary>
    public JsonTokenKind PeekKind()
    {
        SkipWhitespace();
        if (_pos >= _json.Length)
        {
            throw Error("Unexpected end of JSON");
        }
        byte c = _json[_pos];
        switch (c)
        {
            case (byte)'{': return JsonTokenKind.Object;
            case (byte)'[': return JsonTokenKind.Array;
            case (byte)'"':
            case (byte)'\'': return JsonTokenKind.String;
            case (byte)'-':
            case (byte)'+':
            case >= (byte)'0' and <= (byte)'9': return JsonTokenKind.Number;
        }
        if (!IsBarewordByte(c))
        {
            throw Error($"Unexpected character '{(char)c}'");
        }
        ReadOnlySpan<byte> word = _json.Slice(_pos, BarewordLength());
        if (word.SequenceEqual("true"u8) || word.SequenceEqual("false"u8))
        {
            return JsonTokenKind.Boolean;
        }
        return word.SequenceEqual("null"u8) ? JsonTokenKind.Null : JsonTokenKind.Bareword;
    }

    /// <summary>Consumes <c>null</c> if it is next.</summary>
    public bool TryReadNull()
    {
        if (PeekKind() != JsonTokenKind.Null)
        {
            return false;
        }
        _pos += 4;
        return true;
    }

    /// <summary>Consumes <c>{</c>.</summary>
    public void ReadStartObject() => Open((byte)'{', "an object");

    /// <summary>Consumes <c>[</c>.</summary>
    public void ReadStartArray() => Open((byte)'[', "an array");

    /// <summary>
    /// Moves to the next member of the current object: consumes the separating comma, or the closing
    /// brace (then returns false). After true, read the key with <see cref="ReadPropertyName"/>,
    /// <see cref="ReadMapKey"/>, or an object key followed by <see cref="ReadNameSeparator"/>.
    /// </summary>
    public bool NextMember() => Next((byte)'}');

    /// <summary>Moves to the next element of the current array; false (and consumed) at <c>]</c>.</summary>
    public bool NextElement() => Next((byte)']');

    /// <summary>
    /// Reads a property name and its colon, normalised the way fastjson's smart match compares names:
    /// ASCII lower case, with '_' and '-' dropped (so <c>"ClientID"</c> matches <c>clientID</c>).
    /// </summary>
    public string ReadPropertyName()
    {
        string key = ReadMapKey();
        return NormalizeName(key);
    }

    /// <summary>Reads a map key verbatim (quoted, single-quoted or bare) and its colon.</summary>
    public string ReadMapKey()
    {
        string key;
        switch (PeekKind())
        {
            case JsonTokenKind.String:
                key = ReadStringToken();
                break;
            case JsonTokenKind.Object:
            case JsonTokenKind.Array:
                key = ReadRawValueText();
                break;
            default:
                key = ReadBarewordText();
                break;
        }
        ReadNameSeparator();
        return key;
    }

    /// <summary>Reads a map key as a 64-bit integer (bare <c>0</c> or quoted <c>"0"</c>) and its colon.</summary>
    public long ReadInt64MapKey()
    {
        long key = ReadInt64();
        ReadNameSeparator();
        return key;
    }

    /// <summary>Consumes the <c>:</c> between a key and its value.</summary>
    public void ReadNameSeparator()
    {
        SkipWhitespace();
        if (_pos >= _json.Length || _json[_pos] != (byte)':')
        {
            throw Error("Expected ':' after a key");
        }
        _pos++;
    }

    /// <summary>
    /// Reads a string. Numbers, booleans and bare words come back as their literal text (fastjson turns
    /// them into strings); objects and arrays as their raw JSON text; <c>null</c> as null.
    /// </summary>
    public string? ReadString()
    {
        switch (PeekKind())
        {
            case JsonTokenKind.String:
                return ReadStringToken();
            case JsonTokenKind.Null:
                _pos += 4;
                return null;
            case JsonTokenKind.Object:
            case JsonTokenKind.Array:
                return ReadRawValueText();
            default:
                return ReadBarewordText();
        }
    }

    /// <summary>
    /// Reads a 64-bit integer exactly from a number or a numeric string; <c>null</c> or <c>""</c> read as 0
    /// (fastjson leaves a primitive at its default). A fraction is truncated, as fastjson does.
    /// </summary>
    public long ReadInt64()
    {
        int start = _pos;
        switch (PeekKind())
        {
            case JsonTokenKind.Number:
            case JsonTokenKind.Bareword:
                start = _pos;
                return ParseInt64(ReadBarewordSpan(), start);
            case JsonTokenKind.String:
                start = _pos;
                string text = ReadStringToken().Trim();
                if (text.Length == 0)
                {
                    return 0;
                }
                return ParseInt64(Encoding.UTF8.GetBytes(text), start);
            case JsonTokenKind.Null:
                _pos += 4;
                return 0;
            default:
                throw Error("Expected an integer", start);
        }
    }

    /// <summary>Reads a 32-bit integer; see <see cref="ReadInt64"/>.</summary>
    public int ReadInt32()
    {
        int start = _pos;
        long value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw Error("Integer out of 32-bit range", start);
        }
        return (int)value;
    }

    /// <summary>Reads a boolean from <c>true</c>/<c>false</c>, a string of either (any case), or 0/1.</summary>
    public bool ReadBoolean()
    {
        int start = _pos;
        switch (PeekKind())
        {
            case JsonTokenKind.Boolean:
                bool value = _json[_pos] == (byte)'t';
                _pos += value ? 4 : 5;
                return value;
            case JsonTokenKind.Null:
                _pos += 4;
                return false;
            case JsonTokenKind.Number:
                return ReadInt64() != 0;
            case JsonTokenKind.String:
                string text = ReadStringToken().Trim();
                if (text.Length == 0 || text.Equals("false", StringComparison.OrdinalIgnoreCase) || text == "0")
                {
                    return false;
                }
                if (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1")
                {
                    return true;
                }
                throw Error($"'{text}' is not a boolean", start);
            default:
                throw Error("Expected a boolean", start);
        }
    }

    /// <summary>Reads a floating-point number from a number or numeric string; null reads as 0.</summary>
    public double ReadDouble()
    {
        int start = _pos;
        string? text = PeekKind() switch
        {
            JsonTokenKind.Number or JsonTokenKind.Bareword or JsonTokenKind.String => ReadString(),
            JsonTokenKind.Null => ReadString(),
            _ => throw Error("Expected a number", start),
        };
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw Error($"'{text}' is not a number", start);
        }
        return value;
    }

    /// <summary>Skips the next value, whatever its kind.</summary>
    public void SkipValue()
    {
        switch (PeekKind())
        {
            case JsonTokenKind.Object:
                ReadStartObject();
                while (NextMember())
                {
                    SkipKey();
                    SkipValue();
                }
                break;
            case JsonTokenKind.Array:
                ReadStartArray();
                while (NextElement())
                {
                    SkipValue();
                }
                break;
            case JsonTokenKind.String:
                SkipString();
                break;
            default:
                _pos += BarewordLength();
                break;
        }
    }

    /// <summary>Asserts that only whitespace remains.</summary>
    public void ReadEnd()
    {
        SkipWhitespace();
        if (_pos < _json.Length)
        {
            throw Error("Unexpected content after the JSON value");
        }
    }

    /// <summary>Builds the positioned exception.</summary>
    public readonly JsonBodyException Error(string message) => new(message, _pos);

    private static JsonBodyException Error(string message, int position) => new(message, position);

    private void SkipKey()
    {
        switch (PeekKind())
        {
            case JsonTokenKind.String:
                SkipString();
                break;
            case JsonTokenKind.Object:
            case JsonTokenKind.Array:
                SkipValue();
                break;
            default:
                _pos += BarewordLength();
                break;
        }
        ReadNameSeparator();
    }

    private void Open(byte bracket, string what)
    {
        SkipWhitespace();
        if (_pos >= _json.Length || _json[_pos] != bracket)
        {
            throw Error($"Expected {what}");
        }
        if (_depth + 1 >= MaxDepth)
        {
            throw Error($"JSON nested deeper than {MaxDepth} levels");
        }
        _pos++;
        _depth++;
        _hasItems &= ~(1UL << _depth);
    }

    private bool Next(byte close)
    {
        SkipWhitespace();
        if (_pos >= _json.Length)
        {
            throw Error("Unexpected end of JSON inside a container");
        }
        ulong bit = 1UL << _depth;
        bool first = (_hasItems & bit) == 0;
        if (!first)
        {
            if (_json[_pos] == close)
            {
                _pos++;
                _depth--;
                return false;
            }
            if (_json[_pos] != (byte)',')
            {
                throw Error(close == (byte)'}' ? "Expected ',' or '}'" : "Expected ',' or ']'");
            }
            _pos++;
            SkipWhitespace();
            if (_pos >= _json.Length)
            {
                throw Error("Unexpected end of JSON inside a container");
            }
        }
        if (_json[_pos] == close)
        {
            // An empty container, or fastjson's tolerated trailing comma.
            _pos++;
            _depth--;
            return false;
        }
        if (_json[_pos] == (byte)',')
        {
            throw Error("Unexpected ','");
        }
        _hasItems |= bit;
        return true;
    }

    private void SkipWhitespace()
    {
        ReadOnlySpan<byte> json = _json;
        int pos = _pos;
        while (pos < json.Length && json[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            pos++;
        }
        _pos = pos;
    }

    private static bool IsBarewordByte(byte c) =>
        c is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)',' or (byte)':'
            or (byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)'"' or (byte)'\'')
        && c >= 0x20;

    private readonly int BarewordLength()
    {
        int end = _pos;
        while (end < _json.Length && IsBarewordByte(_json[end]))
        {
            end++;
        }
        return end - _pos;
    }

    private ReadOnlySpan<byte> ReadBarewordSpan()
    {
        int length = BarewordLength();
        if (length == 0)
        {
            throw Error("Expected a value");
        }
        ReadOnlySpan<byte> word = _json.Slice(_pos, length);
        _pos += length;
        return word;
    }

    private string ReadBarewordText() => Encoding.UTF8.GetString(ReadBarewordSpan());

    private string ReadRawValueText()
    {
        int start = _pos;
        SkipValue();
        return Encoding.UTF8.GetString(_json[start.._pos]);
    }

    private static long ParseInt64(ReadOnlySpan<byte> text, int position)
    {
        if (text.Length > 0 && text[0] == (byte)'+')
        {
            text = text[1..];
        }
        if (Utf8Parser.TryParse(text, out long value, out int consumed) && consumed == text.Length)
        {
            return value;
        }
        if (text.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0
            && decimal.TryParse(Encoding.UTF8.GetString(text), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal fraction)
            && fraction is >= long.MinValue and <= long.MaxValue)
        {
            return (long)decimal.Truncate(fraction);
        }
        throw Error($"'{Encoding.UTF8.GetString(text)}' is not a 64-bit integer", position);
    }

    private static string NormalizeName(string name)
    {
        bool clean = true;
        foreach (char c in name)
        {
            if (c is (>= 'A' and <= 'Z') or '_' or '-')
            {
                clean = false;
                break;
            }
        }
        if (clean)
        {
            return name;
        }
        return string.Create(name.Length - name.AsSpan().Count('_') - name.AsSpan().Count('-'), name, static (span, source) =>
        {
            int i = 0;
            foreach (char c in source)
            {
                if (c is '_' or '-')
                {
                    continue;
                }
                span[i++] = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            }
        });
    }
}
