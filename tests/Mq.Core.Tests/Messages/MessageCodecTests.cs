using System.Net;
using System.Text;
using Mq.Messages;

namespace Mq.Tests.Messages;

public sealed class MessageCodecTests
{
    [Test]
    public void EncodesTheSpecExampleByteForByte()
    {
        // remoting-protocol.md §4.1 example: topic T, body "hi", TAGS=A, born 10.0.0.5:53011, store 10.0.0.1:10911.
        var born = MessageHost.From(IPAddress.Parse("10.0.0.5"), 53011);
        var store = MessageHost.From(IPAddress.Parse("10.0.0.1"), 10911);
        var properties = "TAGS\u0001A"u8.ToArray();
        int size = MessageRecord.ComputeSize(0, 2, 1, properties.Length);
        var record = new byte[size];
        MessageRecord.Write(record, size, MessageRecord.BodyCrc("hi"u8), 0, 0, 0, 0, 0, 0x18bcfe56800, born, 0x18bcfe56805, store, 0, 0,
            "hi"u8, "T"u8, properties);
        string expected = "00000064 daa320a7 58932aac 00000000 00000000 0000000000000000 0000000000000000 00000000 0000018bcfe56800 0a000005 0000cf13 0000018bcfe56805 0a000001 00002a9f 00000000 0000000000000000 00000002 6869 01 54 0006 544147530141".Replace(" ", "", StringComparison.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(size, Is.EqualTo(100));
            Assert.That(Convert.ToHexString(record).ToLowerInvariant(), Is.EqualTo(expected));
            Assert.That(OffsetMessageId.Create(store, 0), Is.EqualTo("0A00000100002A9F0000000000000000"));
        });
    }

    [Test]
    public void RoundTripsIPv6HostsAndSetsFlags()
    {
        var born = MessageHost.From(IPAddress.Parse("2001:db8::1"), 1234);
        var store = MessageHost.From(IPAddress.Parse("::ffff:10.1.2.3"), 10911);
        Assert.That(store.IsIPv6, Is.False, "IPv4-mapped IPv6 is normalised to IPv4");
        int sysFlag = MessageRecord.NormalizeSysFlag(MessageSysFlag.StoreHostV6, born, store);
        Assert.That(sysFlag, Is.EqualTo(MessageSysFlag.BornHostV6));
        var body = Encoding.UTF8.GetBytes("payload");
        var props = MessageProperties.Encode([new("KEYS", "k1 k2"), new("TAGS", "TagA")]);
        int size = MessageRecord.ComputeSize(sysFlag, body.Length, 3, props.Length);
        var record = new byte[size];
        MessageRecord.Write(record, size, MessageRecord.BodyCrc(body), 3, 7, 42, 4096, sysFlag, 1, born, 2, store, 5, 9, body, "abc"u8, props);

        var decoded = MessageDecoder.Decode(record);
        Assert.Multiple(() =>
        {
            Assert.That(decoded.BornHost, Is.EqualTo(born));
            Assert.That(decoded.BornHost.ToString(), Is.EqualTo("[2001:db8::1]:1234"));
            Assert.That(decoded.StoreHost.ToString(), Is.EqualTo("10.1.2.3:10911"));
            Assert.That(decoded.QueueId, Is.EqualTo(3));
            Assert.That(decoded.Flag, Is.EqualTo(7));
            Assert.That(decoded.QueueOffset, Is.EqualTo(42));
            Assert.That(decoded.CommitLogOffset, Is.EqualTo(4096));
            Assert.That(decoded.ReconsumeTimes, Is.EqualTo(5));
            Assert.That(decoded.PreparedTransactionOffset, Is.EqualTo(9));
            Assert.That(decoded.Keys, Is.EqualTo("k1 k2"));
            Assert.That(decoded.Body, Is.EqualTo(body));
        });
    }

    [Test]
    public void RejectsRecordsWhoseSizeDisagreesWithTheFormula()
    {
        var record = BuildSimple();
        record[^7] ^= 0x01; // properties length now disagrees with TOTALSIZE
        Assert.That(MessageView.TryRead(record, false, out _, out _), Is.EqualTo(RecordReadStatus.BadSize));
    }

    [Test]
    public void DetectsCrcMismatchAndTruncation()
    {
        var record = BuildSimple();
        var corrupted = (byte[])record.Clone();
        corrupted[92] ^= 0xFF; // a body byte
        Assert.Multiple(() =>
        {
            Assert.That(MessageView.TryRead(corrupted, true, out _, out _), Is.EqualTo(RecordReadStatus.BadCrc));
            Assert.That(MessageView.TryRead(corrupted, false, out _, out _), Is.EqualTo(RecordReadStatus.Ok));
            Assert.That(MessageView.TryRead(record.AsSpan(0, record.Length - 1), true, out _, out _), Is.EqualTo(RecordReadStatus.NeedMoreData));
            Assert.That(MessageView.TryRead(new byte[16], true, out _, out _), Is.EqualTo(RecordReadStatus.BadMagic));
        });
    }

    [Test]
    public void ReadsBlankFiller()
    {
        var blank = new byte[64];
        MessageRecord.WriteBlank(blank, 64);
        Assert.Multiple(() =>
        {
            Assert.That(MessageView.TryRead(blank, true, out _, out int size), Is.EqualTo(RecordReadStatus.Blank));
            Assert.That(size, Is.EqualTo(64));
        });
    }

    [TestCase("TAGS\u0001A\u0002KEYS\u0001k", 2)]
    [TestCase("TAGS\u0001A\u0002KEYS\u0001k\u0002", 2)]
    [TestCase("TAGS\u0001\u0002\u0001v\u0002KEYS\u0001k", 1)]
    [TestCase("", 0)]
    public void DecodesPropertiesLikeJava(string text, int expectedCount)
    {
        var properties = MessageProperties.Decode(text);
        Assert.That(properties, Has.Count.EqualTo(expectedCount));
        Assert.That(MessageProperties.TryGetValue(Encoding.UTF8.GetBytes(text), "KEYS"u8, out var value), Is.EqualTo(properties.ContainsKey("KEYS")));
        if (properties.TryGetValue("KEYS", out var keys))
        {
            Assert.That(Encoding.UTF8.GetString(value), Is.EqualTo(keys));
        }
    }

    [Test]
    public void EncodesPropertiesWithoutTrailingSeparatorAndSkipsEmpty()
    {
        var bytes = MessageProperties.Encode([new("A", "1"), new("B", ""), new("C", "3")]);
        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo("A\u00011\u0002C\u00013"));
        Assert.Throws<ArgumentException>(() => MessageProperties.Encode([new("A", "x\u0002y")]));
    }

    [Test]
    public void ParsesOffsetMessageIds()
    {
        var v4 = MessageHost.From(IPAddress.Parse("10.0.0.1"), 10911);
        var v6 = MessageHost.From(IPAddress.Parse("fe80::1"), 10911);
        string id4 = OffsetMessageId.Create(v4, 123456789);
        string id6 = OffsetMessageId.Create(v6, long.MaxValue);
        Assert.Multiple(() =>
        {
            Assert.That(id4, Has.Length.EqualTo(32));
            Assert.That(id6, Has.Length.EqualTo(56));
            Assert.That(OffsetMessageId.TryParse(id4, out var h4, out long o4) && h4 == v4 && o4 == 123456789, Is.True);
            Assert.That(OffsetMessageId.TryParse(id6, out var h6, out long o6) && h6 == v6 && o6 == long.MaxValue, Is.True);
            Assert.That(OffsetMessageId.TryParse("XYZ", out _, out _), Is.False);
            Assert.That(OffsetMessageId.TryParse(new string('G', 32), out _, out _), Is.False);
        });
    }

    [Test]
    public void ReadsBatchBodies()
    {
        var one = BatchMessageReader.EncodeInner(1, "a"u8, "TAGS\u0001x"u8);
        var two = BatchMessageReader.EncodeInner(2, "bb"u8, ""u8);
        var body = one.Concat(two).ToArray();
        Assert.That(BatchMessageReader.Validate(body), Is.EqualTo(2));
        var reader = new BatchMessageReader(body);
        Assert.That(reader.TryReadNext(out var first), Is.True);
        Assert.That(first.Flag, Is.EqualTo(1));
        Assert.That(first.Body.ToArray(), Is.EqualTo("a"u8.ToArray()));
        Assert.That(reader.TryReadNext(out var second), Is.True);
        Assert.That(second.Body.ToArray(), Is.EqualTo("bb"u8.ToArray()));
        Assert.That(reader.TryReadNext(out _), Is.False);
        Assert.That(BatchMessageReader.Validate(body.AsSpan(0, body.Length - 1)), Is.EqualTo(-1));
        Assert.That(BatchMessageReader.Validate([]), Is.EqualTo(-1));
    }

    private static byte[] BuildSimple()
    {
        var body = "hello body"u8.ToArray();
        var props = "TAGS\u0001A"u8.ToArray();
        int size = MessageRecord.ComputeSize(0, body.Length, 1, props.Length);
        var record = new byte[size];
        MessageRecord.Write(record, size, MessageRecord.BodyCrc(body), 0, 0, 0, 0, 0, 0, default, 0, default, 0, 0, body, "T"u8, props);
        return record;
    }
}
