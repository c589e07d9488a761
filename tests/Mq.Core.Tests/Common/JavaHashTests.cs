using Mq.Common;

namespace Mq.Tests.Common;

public sealed class JavaHashTests
{
    [TestCase("TagA", 2598919)]
    [TestCase("TagB", 2598920)]
    [TestCase("*", 42)]
    [TestCase("", 0)]
    public void MatchesJavaStringHashCode(string value, int expected) =>
        Assert.That(JavaHash.StringHashCode(value), Is.EqualTo(expected));

    [Test]
    public void WrapsAroundLikeJavaInt32()
    {
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE in Java.
        Assert.That(JavaHash.StringHashCode("polygenelubricants"), Is.EqualTo(int.MinValue));
    }

    [Test]
    public void TagsCodeIsSignExtended() =>
        Assert.That(JavaHash.TagsCode("polygenelubricants"), Is.EqualTo((long)int.MinValue));

    [TestCase("TagA")]
    [TestCase("polygenelubricants")]
    [TestCase("标签-α")]
    [TestCase("emoji 🎉 tag")]
    [TestCase("")]
    public void Utf8VariantsMatchTheStringHash(string value)
    {
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        Assert.That(JavaHash.StringHashCode(utf8), Is.EqualTo(JavaHash.StringHashCode(value)));
        Assert.That(JavaHash.TagsCode(utf8), Is.EqualTo(JavaHash.TagsCode(value)));
    }

    [Test]
    public void InvalidUtf8HashesAsTheReplacementCharacter() =>
        // Java's UTF-8 decoder, like .NET's, reads a stray continuation byte as U+FFFD.
        Assert.That(JavaHash.StringHashCode([(byte)'a', 0x80]), Is.EqualTo(JavaHash.StringHashCode("a\uFFFD")));
}
