namespace Mq.Common;

/// <summary>
/// Java's <c>String.hashCode()</c>: RocketMQ stores it as the consume-queue tag code and uses it to
/// slot index keys, so it must match Java bit for bit (UTF-16 code units, int32 wrap-around).
/// </summary>
public static class JavaHash
{
    /// <summary>Computes Java's <c>String.hashCode()</c> of <paramref name="value"/>.</summary>
    public static int StringHashCode(ReadOnlySpan<char> value)
    {
        int h = 0;
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
}
