namespace Mq.Protocol.Json;

/// <summary>Reads one value with a <see cref="FastJsonReader"/>.</summary>
internal delegate T JsonReadFunc<out T>(ref FastJsonReader reader);

/// <summary>Shared helpers for the DTO binders: top-level decoding and the common collection shapes.</summary>
internal static class JsonBodyReader
{
    /// <summary>Decodes a whole body: exactly one value, nothing after it.</summary>
    public static T Decode<T>(ReadOnlySpan<byte> json, JsonReadFunc<T> read)
    {
        var reader = new FastJsonReader(json);
        T value = read(ref reader);
        reader.ReadEnd();
        return value;
    }

    /// <summary>Reads an object, handing each normalised property name to <paramref name="member"/>.</summary>
    public static void ReadObject<TState>(ref FastJsonReader reader, TState state, MemberReader<TState> member)
    {
        if (reader.TryReadNull())
        {
            return;
        }
        reader.ReadStartObject();
        while (reader.NextMember())
        {
            string name = reader.ReadPropertyName();
            member(ref reader, name, state);
        }
    }

    /// <summary>Reads an array of values into a list; <c>null</c> gives an empty list.</summary>
    public static List<T> ReadList<T>(ref FastJsonReader reader, JsonReadFunc<T> read)
    {
        var list = new List<T>();
        if (reader.TryReadNull())
        {
            return list;
        }
        reader.ReadStartArray();
        while (reader.NextElement())
        {
            list.Add(read(ref reader));
        }
        return list;
    }

    /// <summary>Reads an array of strings into a set (nulls dropped); <c>null</c> gives an empty set.</summary>
    public static HashSet<string> ReadStringSet(ref FastJsonReader reader)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (reader.TryReadNull())
        {
            return set;
        }
        reader.ReadStartArray();
        while (reader.NextElement())
        {
            string? s = reader.ReadString();
            if (s is not null)
            {
                set.Add(s);
            }
        }
        return set;
    }

    /// <summary>Reads an array of strings into a list (nulls dropped).</summary>
    public static List<string> ReadStringList(ref FastJsonReader reader)
    {
        var list = new List<string>();
        if (reader.TryReadNull())
        {
            return list;
        }
        reader.ReadStartArray();
        while (reader.NextElement())
        {
            string? s = reader.ReadString();
            if (s is not null)
            {
                list.Add(s);
            }
        }
        return list;
    }

    /// <summary>Reads a string-keyed map.</summary>
    public static Dictionary<string, T> ReadStringMap<T>(ref FastJsonReader reader, JsonReadFunc<T> read)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        if (reader.TryReadNull())
        {
            return map;
        }
        reader.ReadStartObject();
        while (reader.NextMember())
        {
            string key = reader.ReadMapKey();
            map[key] = read(ref reader);
        }
        return map;
    }

    public static string ReadNonNullString(ref FastJsonReader reader) => reader.ReadString() ?? string.Empty;

    public static long ReadInt64(ref FastJsonReader reader) => reader.ReadInt64();
}

/// <summary>Binds one property of an object being read.</summary>
internal delegate void MemberReader<in TState>(ref FastJsonReader reader, string name, TState state);
