using System.Buffers;
using System.IO.Compression;
using System.Text;
using Mq.Messages;
using Mq.TestKit;

namespace Mq.Tests.Messages;

[Category("Interop")]
public sealed class GoldenMessageTests
{
    [Test]
    public void DecodesSingleMessage()
    {
        var data = TestData.Read("messages/message.bin");
        var message = MessageDecoder.Decode(data);

        Assert.Multiple(() =>
        {
            Assert.That(message.StoreSize, Is.EqualTo(0x84));
            Assert.That(message.Topic, Is.EqualTo("TopicTest"));
            Assert.That(Encoding.UTF8.GetString(message.Body), Is.EqualTo("{\"room\":\"1\",\"msg\":\"1\"}"));
            Assert.That(message.Tags, Is.EqualTo("TagA"));
            Assert.That(message.Keys, Is.Null);
            Assert.That(message.IsCompressed, Is.False);
            Assert.That(message.QueueId, Is.Zero);
            Assert.That(message.BornHost.ToString(), Is.EqualTo("10.62.60.82:54073"));
            Assert.That(message.StoreHost.ToString(), Is.EqualTo("10.218.145.166:10700"));
            Assert.That(message.BornTimestamp, Is.EqualTo(0x14fefa25a93L));
            Assert.That(message.BodyCrc, Is.EqualTo(MessageRecord.BodyCrc(message.Body)), "CRC-32 must match java.util.zip.CRC32");
        });
    }

    [Test]
    public void DecodesCompressedMessage()
    {
        var data = TestData.Read("messages/message_compress.bin");
        var message = MessageDecoder.Decode(data);
        // The ali-ons fixture carries a copied BODYCRC (it does not match its body); clients never check it.
        Assert.That(message.IsCompressed, Is.True);
        using var inflater = new ZLibStream(new MemoryStream(message.Body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        Assert.Multiple(() =>
        {
            Assert.That(message.Topic, Is.EqualTo("TopicTest"));
            Assert.That(Encoding.UTF8.GetString(output.ToArray()), Is.EqualTo("Hello MetaQ !!!"));
            Assert.That(message.Tags, Is.EqualTo("TagA"));
            Assert.That(message.QueueOffset, Is.EqualTo(281));
        });
        TestContext.Out.WriteLine(Encoding.UTF8.GetString(output.ToArray()));
    }

    [Test]
    public void DecodesBatchOfMessagesAsMultiSegmentSequence()
    {
        var data = TestData.Read("messages/batch_message.bin");
        var first = new TestSegment(data.AsMemory(0, 37));
        var last = first.Append(data.AsMemory(37));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);

        var messages = MessageDecoder.DecodeAll(sequence);

        Assert.That(messages, Has.Count.GreaterThan(1));
        Assert.Multiple(() =>
        {
            Assert.That(messages[0].Topic, Is.EqualTo("TopicTest"));
            Assert.That(Encoding.UTF8.GetString(messages[0].Body), Is.EqualTo("Hello MetaQ !!!"));
            Assert.That(messages[0].Tags, Is.EqualTo("TagA"));
            foreach (var m in messages)
            {
                Assert.That(m.BodyCrc, Is.EqualTo(MessageRecord.BodyCrc(m.Body)));
            }
        });
    }

    [Test]
    public void ReEncodingAGoldenRecordIsByteIdentical()
    {
        var data = TestData.Read("messages/message.bin");
        Assert.That(MessageView.TryRead(data, true, out var view, out int size), Is.EqualTo(RecordReadStatus.Ok));
        var encoded = new byte[size];
        MessageRecord.Write(encoded, size, view.BodyCrc, view.QueueId, view.Flag, view.QueueOffset, view.PhysicalOffset, view.SysFlag,
            view.BornTimestamp, view.BornHost, view.StoreTimestamp, view.StoreHost, view.ReconsumeTimes, view.PreparedTransactionOffset,
            view.Body, view.TopicUtf8, view.Properties);
        Assert.That(encoded, Is.EqualTo(data.AsSpan(0, size).ToArray()));
    }

    private sealed class TestSegment : ReadOnlySequenceSegment<byte>
    {
        public TestSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public TestSegment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new TestSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
