using System.Text;
using Mq.Protocol;

namespace Mq.Tests.Protocol;

public sealed class Utf8StringCacheTests
{
    [TestCase("TopicTest")]
    [TestCase("主题-测试")]
    [TestCase("a")]
    public void A_value_seen_before_comes_back_as_the_same_string(string value)
    {
        var cache = new Utf8StringCache();
        byte[] utf8 = Encoding.UTF8.GetBytes(value);

        string first = cache.Get(utf8);
        string second = cache.Get(utf8);

        Assert.That(first, Is.EqualTo(value));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Colliding_values_never_return_each_others_string()
    {
        // 16 slots and 2,000 distinct values: most share a slot with another, ASCII and not, of equal and
        // different lengths; every answer must still be the value's own text.
        var cache = new Utf8StringCache(capacity: 16);
        var random = new Random(11);
        for (int i = 0; i < 2_000; i++)
        {
            string value = random.Next(3) switch
            {
                0 => "topic-" + i,
                1 => "t" + new string('x', i % 40),
                _ => "主题" + i,
            };
            Assert.That(cache.Get(Encoding.UTF8.GetBytes(value)), Is.EqualTo(value));
        }
    }
}
