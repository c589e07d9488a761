using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.Tests.Protocol.Json;

public sealed class RegisterBrokerBodyCompressedTests
{
    /// <summary>Builds the compressed form by hand, straight from remoting-protocol.md §2.3.</summary>
    private static byte[] BuildJavaStyle(string dataVersion, string[] lines, string filterServers)
    {
        using var raw = new MemoryStream();
        void Chunk(string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, b.Length);
            raw.Write(len);
            raw.Write(b);
        }
        Chunk(dataVersion);
        Span<byte> count = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(count, lines.Length);
        raw.Write(count);
        foreach (string line in lines)
        {
            Chunk(line);
        }
        Chunk(filterServers);
        using var zipped = new MemoryStream();
        using (var z = new ZLibStream(zipped, CompressionLevel.SmallestSize))
        {
            z.Write(raw.ToArray());
        }
        return zipped.ToArray();
    }

    [Test]
    public void DecodesTheJavaCompressedForm()
    {
        byte[] body = BuildJavaStyle("{\"counter\":12,\"timestamp\":1700000000000}",
            ["TopicTest 4 4 6 SINGLE_TAG", "TBW102 8 8 7 MULTI_TAG"], "[\"10.0.0.9:7777\"]");
        Assert.That(body[0], Is.EqualTo(0x78), "zlib header");

        RegisterBrokerBody decoded = RegisterBrokerBody.Decode(body, compressed: true);
        TopicConfigSerializeWrapper w = decoded.TopicConfigSerializeWrapper;
        Assert.Multiple(() =>
        {
            Assert.That(w.DataVersion, Is.EqualTo(new DataVersion(1700000000000, 12)));
            Assert.That(w.TopicConfigTable["TopicTest"].ReadQueueNums, Is.EqualTo(4));
            Assert.That(w.TopicConfigTable["TopicTest"].Perm, Is.EqualTo(6));
            Assert.That(w.TopicConfigTable["TBW102"].WriteQueueNums, Is.EqualTo(8));
            Assert.That(w.TopicConfigTable["TBW102"].TopicFilterType, Is.EqualTo(TopicFilterType.MultiTag));
            Assert.That(decoded.FilterServerList, Is.EqualTo(new[] { "10.0.0.9:7777" }));
        });
    }

    [Test]
    public void EncodeCompressedRoundTripsAndProducesTheSameInflatedBytes()
    {
        var body = new RegisterBrokerBody();
        body.TopicConfigSerializeWrapper.DataVersion = new DataVersion(1700000000000, 12);
        body.TopicConfigSerializeWrapper.TopicConfigTable["TopicTest"] = new TopicConfig { TopicName = "TopicTest", ReadQueueNums = 4, WriteQueueNums = 4, Perm = 6 };
        byte[] ours = body.EncodeCompressed();
        byte[] reference = BuildJavaStyle("{\"counter\":12,\"timestamp\":1700000000000}", ["TopicTest 4 4 6 SINGLE_TAG"], "[]");
        Assert.That(Inflate(ours), Is.EqualTo(Inflate(reference)));

        RegisterBrokerBody back = RegisterBrokerBody.DecodeCompressed(ours);
        Assert.That(back.TopicConfigSerializeWrapper.TopicConfigTable["TopicTest"].WriteQueueNums, Is.EqualTo(4));
        Assert.That(back.FilterServerList, Is.Empty);
    }

    [Test]
    public void BadCompressedBodiesGiveTheTypedException()
    {
        Assert.Throws<JsonBodyException>(() => RegisterBrokerBody.Decode("{\"x\":1}"u8, compressed: true), "not zlib");
        byte[] truncatedCount = BuildJavaStyle("{\"counter\":1,\"timestamp\":1}", ["T 1 1 6 SINGLE_TAG"], "[]");
        byte[] raw = Inflate(truncatedCount);
        BinaryPrimitives.WriteInt32BigEndian(raw.AsSpan(4 + 28), 99); // claims 99 topics
        Assert.Throws<JsonBodyException>(() => RegisterBrokerBody.DecodeCompressed(Deflate(raw)));
        byte[] badLine = BuildJavaStyle("{\"counter\":1,\"timestamp\":1}", ["T one 1 6 SINGLE_TAG"], "[]");
        Assert.Throws<JsonBodyException>(() => RegisterBrokerBody.DecodeCompressed(badLine));
    }

    [Test]
    public void TopicConfigLineFormMatchesJava()
    {
        var config = new TopicConfig { TopicName = "TopicTest", ReadQueueNums = 4, WriteQueueNums = 2, Perm = 6, TopicFilterType = TopicFilterType.MultiTag };
        Assert.That(config.ToLine(), Is.EqualTo("TopicTest 4 2 6 MULTI_TAG"));
        TopicConfig? withAttributes = TopicConfig.ParseLine("TopicTest 4 2 6 SINGLE_TAG {\"+message.type\":\"NORMAL\"}");
        Assert.That(withAttributes!.WriteQueueNums, Is.EqualTo(2), "5.x appends attributes; the first five fields still parse");
        Assert.That(TopicConfig.ParseLine("TopicTest 4 2"), Is.Null);
    }

    private static byte[] Inflate(byte[] data)
    {
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        z.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Fastest))
        {
            z.Write(data);
        }
        return output.ToArray();
    }
}
