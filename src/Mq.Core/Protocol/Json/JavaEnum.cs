using System.Text;

namespace Mq.Protocol.Json;

/// <summary>
/// Maps a .NET enum to Java's constant names (<c>ConsumePassively</c> ↔ <c>CONSUME_PASSIVELY</c>):
/// fastjson writes enums by name and reads names or ordinals.
/// </summary>
internal static class JavaEnum<T>
    where T : struct, Enum
{
    // Immutable after the type initialiser: member values in declaration order and their Java names.
    private static readonly T[] Values = Enum.GetValues<T>();
    private static readonly string[] JavaNames = Array.ConvertAll(Values, static v => ToJavaName(v.ToString()));

    /// <summary>The Java constant name of <paramref name="value"/>.</summary>
    public static string Name(T value) => JavaNames[IndexOf(value)];

    /// <summary>Writes <c>"name":"JAVA_NAME"</c>.</summary>
    public static void Write(FastJsonWriter writer, ReadOnlySpan<byte> name, T? value)
    {
        if (value is { } v)
        {
            writer.WritePropertyName(name);
            writer.WriteStringValue(JavaNames[IndexOf(v)]);
        }
    }

    /// <summary>Reads a Java constant name (any case, underscores optional) or an ordinal; null gives null.</summary>
    public static T? Read(ref FastJsonReader reader)
    {
        int position = reader.Position;
        if (reader.PeekKind() == JsonTokenKind.Number)
        {
            long ordinal = reader.ReadInt64();
            if (ordinal >= 0 && ordinal < Values.Length)
            {
                return Values[ordinal];
            }
            throw new JsonBodyException($"{ordinal} is not an ordinal of {typeof(T).Name}", position);
        }
        string? text = reader.ReadString();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (TryParse(text, out T value))
        {
            return value;
        }
        throw new JsonBodyException($"'{text}' is not a {typeof(T).Name}", position);
    }

    /// <summary>Parses a Java constant name, case-insensitively, underscores optional.</summary>
    public static bool TryParse(string text, out T value)
    {
        for (int i = 0; i < JavaNames.Length; i++)
        {
            if (EqualsLoose(JavaNames[i], text))
            {
                value = Values[i];
                return true;
            }
        }
        value = default;
        return false;
    }

    private static int IndexOf(T value)
    {
        int i = Array.IndexOf(Values, value);
        if (i < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a defined {typeof(T).Name}.");
        }
        return i;
    }

    private static bool EqualsLoose(string javaName, string text)
    {
        int i = 0;
        int j = 0;
        while (true)
        {
            while (i < javaName.Length && javaName[i] == '_')
            {
                i++;
            }
            while (j < text.Length && text[j] == '_')
            {
                j++;
            }
            if (i == javaName.Length || j == text.Length)
            {
                return i == javaName.Length && j == text.Length;
            }
            if (char.ToUpperInvariant(javaName[i]) != char.ToUpperInvariant(text[j]))
            {
                return false;
            }
            i++;
            j++;
        }
    }

    private static string ToJavaName(string pascal)
    {
        var sb = new StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            if (i > 0 && char.IsUpper(c) && !char.IsDigit(pascal[i - 1]))
            {
                sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}
