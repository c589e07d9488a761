using System.Buffers;
using System.Text;
using Mq.Protocol.Json;

namespace Mq.Tests.Protocol.Json;

public sealed class FastJsonWriterTests
{
    private static string Write(JsonKeyStyle style, Action<FastJsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new FastJsonWriter(buffer, style));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Test]
    public void WritesCompactJsonWithoutWhitespace()
    {
        string json = Write(JsonKeyStyle.Quoted, w =>
        {
            w.WriteStartObject();
            w.WriteString("a"u8, "x");
            w.WriteString("skipped"u8, null);
            w.WritePropertyName("list"u8);
            w.WriteStartArray();
            w.WriteNumberValue(1);
            w.WriteNumberValue(-2);
            w.WriteStartObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteBoolean("b"u8, true);
            w.WriteNumber("d"u8, 1.0);
            w.WriteNumber("e"u8, 12.5);
            w.WriteEndObject();
        });
        Assert.That(json, Is.EqualTo("{\"a\":\"x\",\"list\":[1,-2,{}],\"b\":true,\"d\":1.0,\"e\":12.5}"));
    }

    [Test]
    public void EscapesControlCharactersAsUnicodeAndKeepsNonAsciiRaw()
    {
        string json = Write(JsonKeyStyle.Quoted, w => w.WriteStringValue("a\u0001\n\"\\é中😀"));
        Assert.That(json, Is.EqualTo("\"a\\u0001\\u000A\\\"\\\\é中😀\""));
        Assert.That(Encoding.UTF8.GetByteCount(json), Is.GreaterThan(json.Length), "non-ASCII written as raw UTF-8");
    }

    [TestCase(JsonKeyStyle.Quoted, "{\"0\":\"a\",\"1\":\"b\"}")]
    [TestCase(JsonKeyStyle.Unquoted, "{0:\"a\",1:\"b\"}")]
    public void NumericMapKeysFollowTheKeyStyle(JsonKeyStyle style, string expected)
    {
        string json = Write(style, w =>
        {
            w.WriteStartObject();
            w.WriteMapKey(0);
            w.WriteStringValue("a");
            w.WriteMapKey(1);
            w.WriteStringValue("b");
            w.WriteEndObject();
        });
        Assert.That(json, Is.EqualTo(expected));
    }

    [Test]
    public void ObjectKeysAreWrittenBareLikeFastjson()
    {
        string json = Write(JsonKeyStyle.Quoted, w =>
        {
            w.WriteStartObject();
            for (int i = 0; i < 2; i++)
            {
                w.BeginObjectKey();
                w.WriteStartObject();
                w.WriteNumber("queueId"u8, i);
                w.WriteEndObject();
                w.EndObjectKey();
                w.WriteNumberValue(100 + i);
            }
            w.WriteEndObject();
        });
        Assert.That(json, Is.EqualTo("{{\"queueId\":0}:100,{\"queueId\":1}:101}"));
    }
}
