using System.Text;

namespace Mq.Protocol;

/// <summary>
/// A small, lossy, lock-free cache that turns short UTF-8 values (topics, groups, keys, remarks such as
/// "FOUND") into strings without allocating once they have been seen. Direct-mapped: a slot holds the
/// last string that hashed to it; a collision or a race only costs an allocation, never a wrong answer.
/// One instance per remoting peer (no process-wide state).
/// </summary>
internal sealed class Utf8StringCache
{
    /// <summary>Values longer than this are never cached (they are rarely repeated: properties, ids).</summary>
    public const int MaxCachedLength = 128;

    private readonly string?[] _slots;
    private readonly int _mask;

    public Utf8StringCache(int capacity = 1024)
    {
        int size = 16;
        while (size < capacity)
        {
            size <<= 1;
        }
        _slots = new string?[size];
        _mask = size - 1;
    }

    /// <summary>Returns the string for <paramref name="utf8"/>, from the cache when possible.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }
        if (utf8.Length > MaxCachedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        int slot = Hash(utf8) & _mask;
        string? cached = Volatile.Read(ref _slots[slot]);
        if (cached is not null && Matches(cached, utf8))
        {
            return cached;
        }
        string value = Encoding.UTF8.GetString(utf8);
        Volatile.Write(ref _slots[slot], value);
        return value;
    }

    private static bool Matches(string candidate, ReadOnlySpan<byte> utf8)
    {
        // ASCII fast path: same length and byte-for-char equality; otherwise decode into a stack buffer.
        if (candidate.Length == utf8.Length)
        {
            int i = 0;
            for (; i < utf8.Length; i++)
            {
                if (utf8[i] != candidate[i] || utf8[i] >= 0x80)
                {
                    break;
                }
            }
            if (i == utf8.Length)
            {
                return true;
            }
        }
        Span<char> chars = stackalloc char[MaxCachedLength];
        if (System.Text.Unicode.Utf8.ToUtf16(utf8, chars, out _, out int written, replaceInvalidSequences: true)
            != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        return chars[..written].SequenceEqual(candidate);
    }

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        // FNV-1a: cheap and good enough for a direct-mapped slot index.
        uint h = 2166136261;
        foreach (byte b in utf8)
        {
            h = (h ^ b) * 16777619;
        }
        return (int)(h ^ (h >> 15));
    }
}
