using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace Mq.Protocol;

/// <summary>
/// A command's <c>extFields</c> (Java <c>HashMap&lt;String,String&gt;</c>): a small list of UTF-8 key/value
/// slices. Decoded commands point straight into the frame buffer (nothing is materialised until asked);
/// encoded commands append into a pooled buffer, numbers formatted in place. Repeated keys replace
/// (map semantics). Slices and <see cref="GetUtf8Memory"/> results are valid until the fields are
/// modified, reset or disposed.
/// </summary>
internal sealed partial class ExtFields : IDisposable
{
    private const int InitialEntries = 16;
    private const int InitialBuffer = 256;

    private byte[] _buffer = [];
    private int _used;
    private bool _owned;
    private Entry[] _entries = [];
    private int _count;

    /// <summary>Strings are materialised through this cache when set (one per peer).</summary>
    public Utf8StringCache? Cache { get; set; }

    /// <summary>Number of fields.</summary>
    public int Count => _count;

    /// <summary>Key of the field at <paramref name="index"/> (UTF-8).</summary>
    public ReadOnlySpan<byte> KeyAt(int index) => Slice(_entries[index].KeyStart, _entries[index].KeyLength);

    /// <summary>Value of the field at <paramref name="index"/> (UTF-8, unescaped).</summary>
    public ReadOnlySpan<byte> ValueAt(int index) => Slice(_entries[index].ValueStart, _entries[index].ValueLength);

    /// <summary>Sets a field to UTF-8 bytes.</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        // The key or value may be a slice of our own buffer: the old one is returned only after copying.
        byte[]? retired = EnsureOwned(key.Length + value.Length);
        int keyStart = Append(key);
        int valueStart = Append(value);
        Put(keyStart, key.Length, valueStart, value.Length);
        Retire(retired);
    }

    /// <summary>Sets a field to a string; a null value is not sent (Java skips null fields).</summary>
    public void Add(ReadOnlySpan<byte> key, string? value)
    {
        if (value is null)
        {
            return;
        }
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? retired = EnsureOwned(key.Length + max);
        int keyStart = Append(key);
        int written = Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_used));
        int valueStart = _used;
        _used += written;
        Put(keyStart, key.Length, valueStart, written);
        Retire(retired);
    }

    /// <summary>Sets a field to a decimal number (Java <c>Long.toString</c>).</summary>
    public void Add(ReadOnlySpan<byte> key, long value)
    {
        byte[]? retired = EnsureOwned(key.Length + 20);
        int keyStart = Append(key);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_used), out int written);
        int valueStart = _used;
        _used += written;
        Put(keyStart, key.Length, valueStart, written);
        Retire(retired);
    }

    /// <summary>Sets a field to <c>true</c>/<c>false</c> (lowercase, as Java's <c>Boolean.toString</c>).</summary>
    public void Add(ReadOnlySpan<byte> key, bool value) => Add(key, value ? "true"u8 : "false"u8);

    /// <summary>Sets an optional number; null is not sent.</summary>
    public void Add(ReadOnlySpan<byte> key, long? value)
    {
        if (value.HasValue)
        {
            Add(key, value.GetValueOrDefault());
        }
    }

    /// <summary>Sets an optional boolean; null is not sent.</summary>
    public void Add(ReadOnlySpan<byte> key, bool? value)
    {
        if (value.HasValue)
        {
            Add(key, value.GetValueOrDefault());
        }
    }

    /// <summary>Sets a field by string key (cold paths: tools, tests, ad-hoc fields).</summary>
    public void Add(string key, string? value)
    {
        if (value is null)
        {
            return;
        }
        Span<byte> k = key.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        int n = Encoding.UTF8.GetBytes(key, k);
        Add(k[..n], value);
    }

    /// <summary>Removes a field; returns whether it was present.</summary>
    public bool Remove(ReadOnlySpan<byte> key)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            return false;
        }
        Array.Copy(_entries, index + 1, _entries, index, _count - index - 1);
        _count--;
        return true;
    }

    /// <summary>Whether a field is present (an empty value counts as present in JSON headers).</summary>
    public bool Contains(ReadOnlySpan<byte> key) => IndexOf(key) >= 0;

    /// <summary>Looks a field up.</summary>
    public bool TryGetValue(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            value = default;
            return false;
        }
        ref Entry e = ref _entries[index];
        value = Slice(e.ValueStart, e.ValueLength);
        return true;
    }

    /// <summary>Looks a field up by string key (cold paths).</summary>
    public string? this[string key]
    {
        get
        {
            Span<byte> k = stackalloc byte[256];
            if (!Encoding.UTF8.TryGetBytes(key, k, out int n))
            {
                return GetString(Encoding.UTF8.GetBytes(key));
            }
            return GetString(k[..n]);
        }
    }

    /// <summary>The value as a string, or null when absent.</summary>
    public string? GetString(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) ? Materialise(value) : null;

    /// <summary>The value as a string; absent -> "the custom field x is null".</summary>
    public string GetRequiredString(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) ? Materialise(value) : throw MissingField(key);

    /// <summary>The value's UTF-8 bytes (valid while the fields are unchanged), or empty when absent.</summary>
    public ReadOnlyMemory<byte> GetUtf8Memory(ReadOnlySpan<byte> key)
    {
        int index = IndexOf(key);
        if (index < 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        ref Entry e = ref _entries[index];
        return new ReadOnlyMemory<byte>(_buffer, e.ValueStart, e.ValueLength);
    }

    /// <summary>A required 32-bit number.</summary>
    public int GetRequiredInt32(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) ? ParseInt32(key, value) : throw MissingField(key);

    /// <summary>A required 64-bit number.</summary>
    public long GetRequiredInt64(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) ? ParseInt64(key, value) : throw MissingField(key);

    /// <summary>A required boolean (Java <c>Boolean.parseBoolean</c>: "true" in any case, anything else false).</summary>
    public bool GetRequiredBoolean(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) ? ParseBoolean(value) : throw MissingField(key);

    /// <summary>An optional 32-bit number.</summary>
    public int? GetInt32(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) && !value.IsEmpty ? ParseInt32(key, value) : null;

    /// <summary>An optional 64-bit number.</summary>
    public long? GetInt64(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) && !value.IsEmpty ? ParseInt64(key, value) : null;

    /// <summary>An optional boolean.</summary>
    public bool? GetBoolean(ReadOnlySpan<byte> key) =>
        TryGetValue(key, out ReadOnlySpan<byte> value) && !value.IsEmpty ? ParseBoolean(value) : null;

    /// <summary>Java's <c>Boolean.parseBoolean</c>.</summary>
    public static bool ParseBoolean(ReadOnlySpan<byte> value) =>
        value.Length == 4 && (value[0] | 0x20) == 't' && (value[1] | 0x20) == 'r' && (value[2] | 0x20) == 'u' && (value[3] | 0x20) == 'e';

    /// <summary>Clears every field and releases the pooled buffer.</summary>
    public void Reset()
    {
        if (_owned && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = [];
        _owned = false;
        _used = 0;
        _count = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Reset();
        if (_entries.Length > 0)
        {
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = [];
        }
    }

    /// <summary>Points the fields at a decoded frame buffer (owned by the command, not by us).</summary>
    internal void AttachDecoded(byte[] frame)
    {
        Reset();
        _buffer = frame;
        _owned = false;
    }

    /// <summary>Adds a field whose key and value are already in the attached frame buffer.</summary>
    internal void PutSlice(int keyStart, int keyLength, int valueStart, int valueLength) =>
        Put(keyStart, keyLength, valueStart, valueLength);

    private void Put(int keyStart, int keyLength, int valueStart, int valueLength)
    {
        int existing = IndexOf(_buffer.AsSpan(keyStart, keyLength));
        if (existing >= 0)
        {
            _entries[existing] = new Entry(keyStart, keyLength, valueStart, valueLength);
            return;
        }
        if (_count == _entries.Length)
        {
            Entry[] grown = ArrayPool<Entry>.Shared.Rent(Math.Max(InitialEntries, _entries.Length * 2));
            Array.Copy(_entries, grown, _count);
            if (_entries.Length > 0)
            {
                ArrayPool<Entry>.Shared.Return(_entries);
            }
            _entries = grown;
        }
        _entries[_count++] = new Entry(keyStart, keyLength, valueStart, valueLength);
    }

    private int IndexOf(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < _count; i++)
        {
            ref Entry e = ref _entries[i];
            if (e.KeyLength == key.Length && _buffer.AsSpan(e.KeyStart, e.KeyLength).SequenceEqual(key))
            {
                return i;
            }
        }
        return -1;
    }

    private ReadOnlySpan<byte> Slice(int start, int length) => new(_buffer, start, length);

    private int Append(ReadOnlySpan<byte> bytes)
    {
        int start = _used;
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
        return start;
    }

    /// <summary>Makes sure we own a buffer with <paramref name="extra"/> free bytes (copy-on-write for decoded fields).</summary>
    private byte[]? EnsureOwned(int extra)
    {
        if (_owned && _buffer.Length - _used >= extra)
        {
            return null;
        }
        int live = 0;
        for (int i = 0; i < _count; i++)
        {
            live += _entries[i].KeyLength + _entries[i].ValueLength;
        }
        byte[] next = ArrayPool<byte>.Shared.Rent(Math.Max(InitialBuffer, (live + extra) * 2));
        int used = 0;
        for (int i = 0; i < _count; i++)
        {
            ref Entry e = ref _entries[i];
            _buffer.AsSpan(e.KeyStart, e.KeyLength).CopyTo(next.AsSpan(used));
            int keyStart = used;
            used += e.KeyLength;
            _buffer.AsSpan(e.ValueStart, e.ValueLength).CopyTo(next.AsSpan(used));
            e = new Entry(keyStart, e.KeyLength, used, e.ValueLength);
            used += e.ValueLength;
        }
        byte[]? retired = _owned && _buffer.Length > 0 ? _buffer : null;
        _buffer = next;
        _used = used;
        _owned = true;
        return retired;
    }

    private static void Retire(byte[]? buffer)
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string Materialise(ReadOnlySpan<byte> value) =>
        Cache is { } cache ? cache.Get(value) : Encoding.UTF8.GetString(value);

    private static int ParseInt32(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Utf8Parser.TryParse(value, out int result, out int consumed) && consumed == value.Length
            ? result
            : throw BadNumber(key, value);

    private static long ParseInt64(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        Utf8Parser.TryParse(value, out long result, out int consumed) && consumed == value.Length
            ? result
            : throw BadNumber(key, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RemotingCommandException MissingField(ReadOnlySpan<byte> key) =>
        new("the custom field " + Encoding.UTF8.GetString(key) + " is null");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static RemotingCommandException BadNumber(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) =>
        new("the custom field " + Encoding.UTF8.GetString(key) + " is not a valid number: '" + Encoding.UTF8.GetString(value) + "'");

    [SuppressMessage("Performance", "CA1815", Justification = "Private storage record, never compared.")]
    private readonly record struct Entry(int KeyStart, int KeyLength, int ValueStart, int ValueLength);
}
