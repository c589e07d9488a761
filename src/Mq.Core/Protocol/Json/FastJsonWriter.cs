using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Mq.Protocol.Json;

/// <summary>
/// Writes JSON the way fastjson's <c>JSON.toJSONString</c> does (remoting-protocol.md §2.1): compact, no
/// whitespace at all, control characters as <c>\u00XX</c>, non-ASCII as raw UTF-8. Property order and
/// null omission are the binders' job (they write properties alphabetically and skip nulls).
/// </summary>
/// <remarks>
/// Utf8JsonWriter is not used: it cannot write fastjson's unquoted map keys or object-valued keys, and
/// it escapes '\n' as <c>\n</c> rather than fastjson's form. Numeric map keys follow <see cref="KeyStyle"/>.
/// </remarks>
internal sealed class FastJsonWriter
{
    private readonly IBufferWriter<byte> _output;
    private int _depth;
    private ulong _hasItems;
    private bool _afterKey;

    public FastJsonWriter(IBufferWriter<byte> output, JsonKeyStyle keyStyle)
    {
        _output = output;
        KeyStyle = keyStyle;
    }

    /// <summary>How numeric map keys are written.</summary>
    public JsonKeyStyle KeyStyle { get; }

    public void WriteStartObject() => Open((byte)'{');

    public void WriteEndObject() => Close((byte)'}');

    public void WriteStartArray() => Open((byte)'[');

    public void WriteEndArray() => Close((byte)']');

    /// <summary>Writes <c>"name":</c>; <paramref name="utf8Name"/> is ASCII (a Java field name).</summary>
    public void WritePropertyName(ReadOnlySpan<byte> utf8Name)
    {
        Separator();
        Span<byte> span = _output.GetSpan(utf8Name.Length + 3);
        span[0] = (byte)'"';
        utf8Name.CopyTo(span[1..]);
        span[utf8Name.Length + 1] = (byte)'"';
        span[utf8Name.Length + 2] = (byte)':';
        _output.Advance(utf8Name.Length + 3);
        _afterKey = true;
    }

    /// <summary>Writes a string map key (always quoted) and its colon.</summary>
    public void WriteMapKey(string key)
    {
        Separator();
        WriteQuoted(key);
        Put((byte)':');
        _afterKey = true;
    }

    /// <summary>Writes a numeric map key, quoted or bare per <see cref="KeyStyle"/>, and its colon.</summary>
    public void WriteMapKey(long key)
    {
        Separator();
        bool quoted = KeyStyle == JsonKeyStyle.Quoted;
        Span<byte> span = _output.GetSpan(22);
        int n = 0;
        if (quoted)
        {
            span[n++] = (byte)'"';
        }
        Utf8Formatter.TryFormat(key, span[n..], out int digits);
        n += digits;
        if (quoted)
        {
            span[n++] = (byte)'"';
        }
        span[n++] = (byte)':';
        _output.Advance(n);
        _afterKey = true;
    }

    /// <summary>
    /// Starts a map key that is itself an object (fastjson's <c>{{"brokerName":…}:100}</c>): write the
    /// key object next, then call <see cref="EndObjectKey"/>.
    /// </summary>
    public void BeginObjectKey()
    {
        Separator();
        _afterKey = true;
    }

    /// <summary>Ends an object-valued key with its colon.</summary>
    public void EndObjectKey()
    {
        Put((byte)':');
        _afterKey = true;
    }

    public void WriteStringValue(string value)
    {
        Separator();
        WriteQuoted(value);
    }

    public void WriteNumberValue(long value)
    {
        Separator();
        Span<byte> span = _output.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        _output.Advance(written);
    }

    /// <summary>Writes a double as Java's <c>Double.toString</c> shape for common values (<c>0.0</c>, <c>12.5</c>).</summary>
    public void WriteNumberValue(double value)
    {
        if (!double.IsFinite(value))
        {
            // fastjson writes NaN and infinities as null.
            WriteNullValue();
            return;
        }
        Separator();
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.AsSpan().IndexOfAny('.', 'E') < 0)
        {
            text += ".0";
        }
        WriteAscii(text);
    }

    public void WriteBooleanValue(bool value)
    {
        Separator();
        WriteRaw(value ? "true"u8 : "false"u8);
    }

    public void WriteNullValue()
    {
        Separator();
        WriteRaw("null"u8);
    }

    // Property helpers: each writes "name":value, skipping nulls as fastjson does.

    public void WriteString(ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            WritePropertyName(name);
            WriteStringValue(value);
        }
    }

    public void WriteNumber(ReadOnlySpan<byte> name, long value)
    {
        WritePropertyName(name);
        WriteNumberValue(value);
    }

    public void WriteNumber(ReadOnlySpan<byte> name, double value)
    {
        WritePropertyName(name);
        WriteNumberValue(value);
    }

    public void WriteBoolean(ReadOnlySpan<byte> name, bool value)
    {
        WritePropertyName(name);
        WriteBooleanValue(value);
    }

    /// <summary>Writes a collection of strings as an array (null collections are omitted).</summary>
    public void WriteStringArray(ReadOnlySpan<byte> name, IEnumerable<string>? values)
    {
        if (values is null)
        {
            return;
        }
        WritePropertyName(name);
        WriteStartArray();
        foreach (string v in values)
        {
            WriteStringValue(v);
        }
        WriteEndArray();
    }

    private void Open(byte bracket)
    {
        Separator();
        if (_depth + 1 >= FastJsonReader.MaxDepth)
        {
            throw new InvalidOperationException("JSON nested too deeply.");
        }
        Put(bracket);
        _depth++;
        _hasItems &= ~(1UL << _depth);
    }

    private void Close(byte bracket)
    {
        Put(bracket);
        _depth--;
    }

    private void Separator()
    {
        if (_afterKey)
        {
            _afterKey = false;
            return;
        }
        if (_depth == 0)
        {
            return;
        }
        ulong bit = 1UL << _depth;
        if ((_hasItems & bit) != 0)
        {
            Put((byte)',');
        }
        else
        {
            _hasItems |= bit;
        }
    }

    private void Put(byte b)
    {
        _output.GetSpan(1)[0] = b;
        _output.Advance(1);
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_output.GetSpan(bytes.Length));
        _output.Advance(bytes.Length);
    }

    private void WriteAscii(string text)
    {
        Span<byte> span = _output.GetSpan(text.Length);
        int n = Encoding.ASCII.GetBytes(text, span);
        _output.Advance(n);
    }

    private void WriteQuoted(string value)
    {
        Put((byte)'"');
        ReadOnlySpan<char> rest = value;
        while (!rest.IsEmpty)
        {
            int i = IndexOfEscape(rest);
            ReadOnlySpan<char> run = i < 0 ? rest : rest[..i];
            if (!run.IsEmpty)
            {
                Span<byte> span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(run.Length));
                _output.Advance(Encoding.UTF8.GetBytes(run, span));
            }
            if (i < 0)
            {
                break;
            }
            WriteEscape(rest[i]);
            rest = rest[(i + 1)..];
        }
        Put((byte)'"');
    }

    private static int IndexOfEscape(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x20 || c == '"' || c == '\\')
            {
                return i;
            }
        }
        return -1;
    }

    private void WriteEscape(char c)
    {
        Span<byte> span = _output.GetSpan(6);
        span[0] = (byte)'\\';
        if (c is '"' or '\\')
        {
            span[1] = (byte)c;
            _output.Advance(2);
            return;
        }
        span[1] = (byte)'u';
        span[2] = (byte)'0';
        span[3] = (byte)'0';
        span[4] = (byte)"0123456789ABCDEF"[c >> 4];
        span[5] = (byte)"0123456789ABCDEF"[c & 0xF];
        _output.Advance(6);
    }
}
