using System.Text;
using Mq.Protocol.Json;

namespace Mq.Tests.Protocol.Json;

public sealed class FastJsonReaderTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    [Test]
    public void ReadsUnquotedNumericKeysAsInt64()
    {
        var r = new FastJsonReader(U("{0:\"a\", 1 : \"b\",\"2\":\"c\"}"));
        r.ReadStartObject();
        var seen = new List<(long, string?)>();
        while (r.NextMember())
        {
            long key = r.ReadInt64MapKey();
            seen.Add((key, r.ReadString()));
        }
        r.ReadEnd();
        Assert.That(seen, Is.EqualTo(new[] { (0L, (string?)"a"), (1L, "b"), (2L, "c") }));
    }

    [Test]
    public void KeepsLiteralTextOfNumbersAndBooleansReadAsStrings()
    {
        var r = new FastJsonReader(U("[123456789012345678901234567890,true,-1.50,null,bare]"));
        r.ReadStartArray();
        var values = new List<string?>();
        while (r.NextElement())
        {
            values.Add(r.ReadString());
        }
        Assert.That(values, Is.EqualTo(new string?[] { "123456789012345678901234567890", "true", "-1.50", null, "bare" }));
    }

    [Test]
    public void ReadsNumericStringsAsNumbersAndLongsExactly()
    {
        var r = new FastJsonReader(U("[\"2598919\",1700000000123456789,\" 42 \",\"\",null,9223372036854775807,-9223372036854775808,3.9]"));
        r.ReadStartArray();
        var values = new List<long>();
        while (r.NextElement())
        {
            values.Add(r.ReadInt64());
        }
        Assert.That(values, Is.EqualTo(new[] { 2598919L, 1700000000123456789L, 42L, 0L, 0L, long.MaxValue, long.MinValue, 3L }));
    }

    [Test]
    public void DecodesEscapesAndAcceptsRawControlCharacters()
    {
        var r = new FastJsonReader(U("[\"a\\u0001b\\n\\\"q\\\"\\\\\\/\",\"raw\u0001\u0002\ttab\",'single \\'quoted\\'',\"caf\u00e9 \u4e2d\\u00e9\\ud83d\\ude00\"]"));
        r.ReadStartArray();
        var values = new List<string?>();
        while (r.NextElement())
        {
            values.Add(r.ReadString());
        }
        Assert.That(values, Is.EqualTo(new string?[]
        {
            "a\u0001b\n\"q\"\\/", "raw\u0001\u0002\ttab", "single 'quoted'", "caf\u00e9 \u4e2d\u00e9\U0001F600",
        }));
    }

    [Test]
    public void NormalisesPropertyNamesLikeFastjsonSmartMatch()
    {
        var r = new FastJsonReader(U("{\"ClientID\":1,\"topic_sys_flag\":2,\"groupName\":3}"));
        r.ReadStartObject();
        var names = new List<string>();
        while (r.NextMember())
        {
            names.Add(r.ReadPropertyName());
            r.SkipValue();
        }
        Assert.That(names, Is.EqualTo(new[] { "clientid", "topicsysflag", "groupname" }));
    }

    [Test]
    public void SkipsNestedUnknownValuesIncludingObjectKeys()
    {
        var r = new FastJsonReader(U("{\"x\":{{\"a\":1}:[1,{\"b\":'c'}]},\"y\":2}"));
        r.ReadStartObject();
        Assert.That(r.NextMember(), Is.True);
        Assert.That(r.ReadPropertyName(), Is.EqualTo("x"));
        r.SkipValue();
        Assert.That(r.NextMember(), Is.True);
        Assert.That(r.ReadPropertyName(), Is.EqualTo("y"));
        Assert.That(r.ReadInt32(), Is.EqualTo(2));
        Assert.That(r.NextMember(), Is.False);
        r.ReadEnd();
    }

    [Test]
    public void ReadsBooleansLeniently()
    {
        var r = new FastJsonReader(U("[true,false,\"True\",\"false\",1,0,null]"));
        r.ReadStartArray();
        var values = new List<bool>();
        while (r.NextElement())
        {
            values.Add(r.ReadBoolean());
        }
        Assert.That(values, Is.EqualTo(new[] { true, false, true, false, true, false, false }));
    }

    [Test]
    public void AcceptsTrailingCommaAndBom()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. U("{\"a\":[1,2,],}")];
        var r = new FastJsonReader(json);
        r.ReadStartObject();
        Assert.That(r.NextMember(), Is.True);
        Assert.That(r.ReadPropertyName(), Is.EqualTo("a"));
        r.SkipValue();
        Assert.That(r.NextMember(), Is.False);
        r.ReadEnd();
    }

    [TestCase("", 0)]
    [TestCase("{\"a\":1", 6)]
    [TestCase("{\"a\" 1}", 5)]
    [TestCase("{\"a\":1 \"b\":2}", 7)]
    [TestCase("{\"a\":\"unterminated}", 5)]
    [TestCase("[1,,2]", 3)]
    [TestCase("{\"a\":1}x", 7)]
    public void MalformedInputThrowsTypedExceptionWithPosition(string json, int position)
    {
        byte[] bytes = U(json);
        var e = Assert.Throws<JsonBodyException>(() =>
        {
            var r = new FastJsonReader(bytes);
            r.SkipValue();
            r.ReadEnd();
        });
        Assert.That(e!.Position, Is.EqualTo(position), e.Message);
    }

    [Test]
    public void InvalidUnicodeEscapeThrowsAtTheEscape()
    {
        var e = Assert.Throws<JsonBodyException>(() =>
        {
            var r = new FastJsonReader(U("\"ab\\u12G4\""));
            r.ReadString();
        });
        Assert.That(e!.Position, Is.EqualTo(3));
    }

    [Test]
    public void RejectsNumbersThatAreNotIntegersOfRange()
    {
        Assert.Throws<JsonBodyException>(() =>
        {
            var r = new FastJsonReader(U("99999999999999999999"));
            r.ReadInt64();
        });
        Assert.Throws<JsonBodyException>(() =>
        {
            var r = new FastJsonReader(U("\"abc\""));
            r.ReadInt64();
        });
        Assert.Throws<JsonBodyException>(() =>
        {
            var r = new FastJsonReader(U("3000000000"));
            r.ReadInt32();
        });
    }

    [Test]
    public void DeepNestingIsRejectedNotOverflowed()
    {
        byte[] json = U(new string('[', 100_000) + new string(']', 100_000));
        var e = Assert.Throws<JsonBodyException>(() =>
        {
            var r = new FastJsonReader(json);
            r.SkipValue();
        });
        Assert.That(e!.Message, Does.Contain("nested"));
    }
}
