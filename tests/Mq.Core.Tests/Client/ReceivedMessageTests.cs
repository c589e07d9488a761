using System.IO.Compression;
using System.Net;
using System.Text;
using Mq.Client;
using Mq.Messages;

namespace Mq.Tests.Client;

/// <summary>
/// Pulled records become <see cref="ReceivedMessage"/>s that read their fields from the record's bytes on
/// demand; every field must read as the full decoder (<see cref="MessageDecoder"/>) reads it.
/// </summary>
public sealed class ReceivedMessageTests
{
    private static readonly MessageHost Born = MessageHost.From(IPAddress.Parse("10.1.2.3"), 50123);
    private static readonly MessageHost Store = MessageHost.From(IPAddress.Parse("fe80::7"), 10911);

    [Test]
    public void Every_field_reads_as_the_full_decoder_reads_it()
    {
        byte[] pulled = [.. Record("TopicA", "plain body"u8, "TAGS\u0001tag-1\u0002UNIQ_KEY\u0001ID-1\u0002KEYS\u0001k1 k2\u0002\u0001orphan", queueOffset: 7),
            .. Record("TopicA", "no unique key"u8, "WAIT\u0001true", queueOffset: 8), .. "\0\0\0\0trailing"u8];
        List<ReceivedMessage> messages = ReceivedMessage.DecodeAll(pulled, "broker-a", null, new Mq.Protocol.Utf8StringCache(64));
        List<DecodedMessage> reference = MessageDecoder.DecodeAll(pulled);
        Assert.That(messages, Has.Count.EqualTo(2), "decoding stops at bytes that are not a record");
        Assert.Multiple(() =>
        {
            for (int i = 0; i < 2; i++)
            {
                ReceivedMessage message = messages[i];
                DecodedMessage expected = reference[i];
                Assert.That(message.Topic, Is.EqualTo(expected.Topic));
                Assert.That(message.Body.ToArray(), Is.EqualTo(expected.Body));
                Assert.That(message.QueueId, Is.EqualTo(expected.QueueId));
                Assert.That(message.QueueOffset, Is.EqualTo(expected.QueueOffset));
                Assert.That(message.CommitLogOffset, Is.EqualTo(expected.CommitLogOffset));
                Assert.That(message.Flag, Is.EqualTo(expected.Flag));
                Assert.That(message.SysFlag, Is.EqualTo(expected.SysFlag));
                Assert.That(message.ReconsumeTimes, Is.EqualTo(expected.ReconsumeTimes));
                Assert.That(message.BornTimestamp.ToUnixTimeMilliseconds(), Is.EqualTo(expected.BornTimestamp));
                Assert.That(message.StoreTimestamp.ToUnixTimeMilliseconds(), Is.EqualTo(expected.StoreTimestamp));
                Assert.That(message.BornHost, Is.EqualTo(expected.BornHost.ToEndPoint()));
                Assert.That(message.StoreHost, Is.EqualTo(expected.StoreHost.ToEndPoint()));
                Assert.That(message.StoreSize, Is.EqualTo(expected.StoreSize));
                Assert.That(message.PreparedTransactionOffset, Is.EqualTo(expected.PreparedTransactionOffset));
                Assert.That(message.OffsetMessageId, Is.EqualTo(expected.OffsetMessageId));
                Assert.That(message.BrokerName, Is.EqualTo("broker-a"));
            }
            Assert.That(messages[0].MessageId, Is.EqualTo("ID-1"));
            Assert.That(messages[1].MessageId, Is.EqualTo(reference[1].OffsetMessageId), "without UNIQ_KEY the id is the offset id");
            Assert.That(messages[0].Tags, Is.EqualTo("tag-1"));
            Assert.That(messages[0].Keys, Is.EqualTo("k1 k2"));
            Assert.That(messages[1].Tags, Is.Null);
        });
    }

    [Test]
    public void A_property_reads_the_same_before_and_after_the_property_map_is_built()
    {
        byte[] pulled = Record("T", "b"u8, "TAGS\u0001first\u0002KEYS\u0001x\u0002TAGS\u0001last\u0002ünï\u0001cödé", queueOffset: 0);
        ReceivedMessage message = ReceivedMessage.DecodeAll(pulled, "b", null, null)[0];
        string?[] before = [message.Property("TAGS"), message.Property("KEYS"), message.Property("ünï"), message.Property("absent")];
        Assert.That(message.Properties, Is.EquivalentTo(MessageProperties.Decode(Encoding.UTF8.GetBytes("TAGS\u0001first\u0002KEYS\u0001x\u0002TAGS\u0001last\u0002ünï\u0001cödé"))));
        string?[] after = [message.Property("TAGS"), message.Property("KEYS"), message.Property("ünï"), message.Property("absent")];
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(new[] { "last", "x", "cödé", null }), "a later duplicate key wins, as Java's HashMap.put");
            Assert.That(after, Is.EqualTo(before));
        });
    }

    [Test]
    public void Repeating_strings_are_shared_between_pulls_and_unique_ones_are_not()
    {
        byte[] pulled = Record("TopicA", "b"u8, "TAGS\u0001tag-1\u0002UNIQ_KEY\u0001ID-1", queueOffset: 0);
        var strings = new Mq.Protocol.Utf8StringCache(64);
        ReceivedMessage first = ReceivedMessage.DecodeAll(pulled, "b", null, strings)[0];
        ReceivedMessage second = ReceivedMessage.DecodeAll(pulled, "b", null, strings)[0];
        Assert.Multiple(() =>
        {
            Assert.That(second.Topic, Is.SameAs(first.Topic));
            Assert.That(second.Tags, Is.SameAs(first.Tags));
            Assert.That(second.MessageId, Is.EqualTo(first.MessageId));
            Assert.That(second.MessageId, Is.Not.SameAs(first.MessageId));
        });
    }

    [Test]
    public void A_compressed_body_is_inflated_and_a_retried_message_shows_its_original_topic()
    {
        byte[] original = Encoding.UTF8.GetBytes(new string('z', 3000));
        byte[] compressed = Deflate(original);
        byte[] pulled = [.. Record("TopicA", compressed, "TAGS\u0001t", queueOffset: 3, sysFlag: MessageSysFlag.Compressed),
            .. Record("%RETRY%G", "retried"u8, "RETRY_TOPIC\u0001TopicA", queueOffset: 4)];
        List<ReceivedMessage> messages = ReceivedMessage.DecodeAll(pulled, "b", "%RETRY%G", null);
        Assert.Multiple(() =>
        {
            Assert.That(messages[0].Body.ToArray(), Is.EqualTo(original));
            Assert.That(messages[0].StoreSize, Is.EqualTo(pulled.Length - messages[1].StoreSize));
            Assert.That(messages[1].Topic, Is.EqualTo("TopicA"));
            Assert.That(messages[1].Queue.Topic, Is.EqualTo("%RETRY%G"), "offsets are kept for the queue it was pulled from");
            Assert.That(ReceivedMessage.DecodeAll(pulled, "b", null, null)[1].Topic, Is.EqualTo("%RETRY%G"), "a pull consumer sees the stored topic");
        });
    }

    [Test]
    public void A_malformed_record_is_an_invalid_data_error()
    {
        byte[] record = Record("T", "body"u8, "", queueOffset: 0);
        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidDataException>(() => ReceivedMessage.DecodeAll(record.AsSpan(0, record.Length - 3), "b", null, null));
            Assert.Throws<InvalidDataException>(() => ReceivedMessage.Decode(record.AsSpan(0, 20), "b"));
            Assert.That(ReceivedMessage.Decode(record, "b").Body.ToArray(), Is.EqualTo("body"u8.ToArray()));
        });
    }

    private static byte[] Record(string topic, ReadOnlySpan<byte> body, string properties, long queueOffset, int sysFlag = 0)
    {
        sysFlag |= MessageSysFlag.StoreHostV6;
        byte[] topicUtf8 = Encoding.UTF8.GetBytes(topic);
        byte[] props = Encoding.UTF8.GetBytes(properties);
        int size = MessageRecord.ComputeSize(sysFlag, body.Length, topicUtf8.Length, props.Length);
        var record = new byte[size];
        MessageRecord.Write(record, size, MessageRecord.BodyCrc(body), queueId: 2, flag: 5, queueOffset, physicalOffset: 4096 + queueOffset, sysFlag,
            bornTimestamp: 1_700_000_000_123, Born, storeTimestamp: 1_700_000_000_456, Store, reconsumeTimes: 1, preparedTransactionOffset: 99,
            body, topicUtf8, props);
        return record;
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest))
        {
            zlib.Write(data);
        }
        return output.ToArray();
    }
}
