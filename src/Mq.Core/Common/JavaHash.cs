namespace Mq.Common;

/// <summary>
/// Java's <c>String.hashCode()</c>: RocketMQ stores it as the consume-queue tag code and uses it to
/// slot index keys, so it must match Java bit for bit (UTF-16 code units, int32 wrap-around).
/// </summary>
public static class JavaHash
{
    /// <summary>Computes Java's <c>String.hashCode()</c> of <paramref name="value"/>.</summary>
    public static int StringHashCode(ReadOnlySpan<char> value) => Continue(0, value);

    /// <summary>
    /// Java's <c>String.hashCode()</c> of the string whose UTF-8 encoding is <paramref name="utf8"/> (invalid
    /// sequences read as U+FFFD, as Java's decoder does). ASCII, the usual case, is hashed from the bytes.
    /// </summary>
    public static int StringHashCode(ReadOnlySpan<byte> utf8) => Continue(0, utf8);

    /// <summary>
    /// The hash of a string that starts with characters hashing to <paramref name="h"/> and continues with
    /// <paramref name="utf8"/> (the index hashes "topic#key" this way without building the string).
    /// </summary>
    internal static int Continue(int h, ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Ascii.IsValid(utf8))
        {
            foreach (byte b in utf8)
            {
                h = unchecked((31 * h) + b);
            }
            return h;
        }
        char[] chars = System.Buffers.ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            int count = System.Text.Encoding.UTF8.GetChars(utf8, chars);
            return Continue(h, chars.AsSpan(0, count));
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The hash of a string starting with characters hashing to <paramref name="h"/> and continuing with <paramref name="value"/>.</summary>
    internal static int Continue(int h, ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            h = unchecked((31 * h) + c);
        }
        return h;
    }

    /// <summary>
    /// The consume-queue tag code of a tag: its Java hash sign-extended to 64 bits; 0 for no tag.
    /// </summary>
    public static long TagsCode(ReadOnlySpan<char> tags) => tags.IsEmpty ? 0 : StringHashCode(tags);

    /// <summary>The consume-queue tag code of a tag given as UTF-8 (the TAGS property as stored).</summary>
    public static long TagsCode(ReadOnlySpan<byte> utf8Tags) => utf8Tags.IsEmpty ? 0 : StringHashCode(utf8Tags);
}
