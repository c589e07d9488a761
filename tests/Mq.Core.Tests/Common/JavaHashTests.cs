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
}
