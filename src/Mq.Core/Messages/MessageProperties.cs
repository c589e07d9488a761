using System.Text;

namespace Mq.Messages;

/// <summary>
/// The properties string of a message: <c>key 0x01 value 0x02 key 0x01 value …</c>, UTF-8
/// (RocketMQ <c>MessageDecoder.messageProperties2String</c> / <c>string2messageProperties</c>).
/// </summary>
public static class MessageProperties
{
    /// <summary>Separator between a key and its value.</summary>
    public const byte NameValueSeparator = 0x01;

    /// <summary>Separator between two properties.</summary>
    public const byte PropertySeparator = 0x02;

    /// <summary>Largest encoded properties length a record can carry (int16 length prefix).</summary>
    public const int MaxLength = short.MaxValue;

    /// <summary>
    /// Parses an encoded properties string. Accepts a trailing 0x02 or not; drops segments with an empty
    /// key or value like Java's reader does. A later duplicate key wins (Java's HashMap.put).
    /// </summary>
    public static Dictionary<string, string> Decode(ReadOnlySpan<byte> utf8) => Decode(utf8, null);

    /// <summary>
    /// <see cref="Decode(ReadOnlySpan{byte})"/> for a stream of messages: keys, and the values of keys whose
    /// values repeat from message to message (<see cref="HasRepeatingValues"/>), come from
    /// <paramref name="strings"/> once seen. Sized up front, so the map never grows while it fills.
    /// </summary>
    internal static Dictionary<string, string> Decode(ReadOnlySpan<byte> utf8, Protocol.Utf8StringCache? strings)
    {
        var result = new Dictionary<string, string>(utf8.IsEmpty ? 0 : utf8.Count(PropertySeparator) + 1, StringComparer.Ordinal);
        while (!utf8.IsEmpty)
        {
            int end = utf8.IndexOf(PropertySeparator);
            var segment = end < 0 ? utf8 : utf8[..end];
            int split = segment.IndexOf(NameValueSeparator);
            if (split > 0 && split < segment.Length - 1)
            {
                string key = strings?.Get(segment[..split]) ?? Encoding.UTF8.GetString(segment[..split]);
                result[key] = ValueString(key, segment[(split + 1)..], strings);
            }
            utf8 = end < 0 ? default : utf8[(end + 1)..];
        }
        return result;
    }

    /// <summary>
    /// Keys whose values most messages of a stream share (a tag, a flag, a topic or group name). Ids, keys,
    /// offsets and times are unique per message: caching them would only evict the strings that repeat.
    /// </summary>
    private static bool HasRepeatingValues(string key) =>
        key is MessageConst.Tags or MessageConst.WaitStoreMsgOk or MessageConst.Cluster or MessageConst.RetryTopic
            or MessageConst.RealTopic or MessageConst.ProducerGroup or MessageConst.TransactionPrepared;

    /// <summary>A property's value as a string: from <paramref name="strings"/> when its key's values repeat, else new.</summary>
    internal static string ValueString(string key, ReadOnlySpan<byte> value, Protocol.Utf8StringCache? strings) =>
        strings is not null && HasRepeatingValues(key) ? strings.Get(value) : Encoding.UTF8.GetString(value);

    /// <summary><paramref name="utf8"/> with <c>key=value</c> added at the end (a separator only between properties).</summary>
    internal static byte[] Append(ReadOnlySpan<byte> utf8, string key, string value) =>
        [.. utf8, .. utf8.IsEmpty ? ""u8 : [PropertySeparator], .. Encoding.UTF8.GetBytes(key), NameValueSeparator, .. Encoding.UTF8.GetBytes(value)];

    /// <summary>Parses a properties string already decoded to text.</summary>
    public static Dictionary<string, string> Decode(string properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return Decode(Encoding.UTF8.GetBytes(properties));
    }

    /// <summary>
    /// Encodes properties as Java 4.9.8 does (no trailing separator). Entries with an empty key or value
    /// are skipped because no reader would keep them; keys and values must not contain 0x01/0x02.
    /// </summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var builder = new StringBuilder();
        foreach (var (key, value) in properties)
        {
            if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(value))
            {
                continue;
            }
            if (key.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0 || value.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0)
            {
                throw new ArgumentException($"Property '{key}' contains a reserved separator character (0x01 or 0x02).", nameof(properties));
            }
            if (builder.Length > 0)
            {
                builder.Append('\u0002');
            }
            builder.Append(key).Append('\u0001').Append(value);
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// Finds a property's value without allocating. Returns the last occurrence, like
    /// <see cref="Decode(ReadOnlySpan{byte})"/>; empty values count as absent.
    /// </summary>
    public static bool TryGetValue(ReadOnlySpan<byte> utf8, ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        value = default;
        bool found = false;
        while (!utf8.IsEmpty)
        {
            int end = utf8.IndexOf(PropertySeparator);
            var segment = end < 0 ? utf8 : utf8[..end];
            int split = segment.IndexOf(NameValueSeparator);
            if (split > 0 && split < segment.Length - 1 && segment[..split].SequenceEqual(key))
            {
                value = segment[(split + 1)..];
                found = true;
            }
            utf8 = end < 0 ? default : utf8[(end + 1)..];
        }
        return found;
    }
}
