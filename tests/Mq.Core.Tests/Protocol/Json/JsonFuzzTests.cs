using System.Buffers;
using System.Text;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.Tests.Protocol.Json;

/// <summary>Seeded mutation tests: bad input gives <see cref="JsonBodyException"/> and nothing else.</summary>
public sealed class JsonFuzzTests
{
    private static readonly string[] Seeds =
    [
        "{\"brokerDatas\":[{\"brokerAddrs\":{0:\"10.0.0.1:10911\",1:\"10.0.0.2:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSysFlag\":0,\"writeQueueNums\":4}]}",
        "{\"clientID\":\"c\",\"consumerDataSet\":[{\"consumeFromWhere\":\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"cg1\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{\"classFilterMode\":false,\"codeSet\":[\"2598919\",2598920],\"expressionType\":\"TAG\",\"subString\":\"TagA || TagB\",\"subVersion\":1700000000123456789,\"tagsSet\":[\"TagA\",'TagB'],\"topic\":\"TopicTest\"}],\"unitMode\":false}],\"producerDataSet\":[{\"groupName\":\"p\\u0001\"}]}",
        "{\"offsetTable\":{{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"TopicTest\"}:100}}",
        "{\"filterServerList\":[],\"topicConfigSerializeWrapper\":{\"dataVersion\":{\"counter\":12,\"timestamp\":1700000000000},\"topicConfigTable\":{\"T\":{\"order\":false,\"perm\":7,\"readQueueNums\":8,\"topicFilterType\":\"SINGLE_TAG\",\"topicName\":\"T\",\"topicSysFlag\":0,\"writeQueueNums\":8}}}}",
    ];

    private static readonly Action<byte[]>[] Decoders =
    [
        b => TopicRouteData.Decode(b),
        b => HeartbeatData.Decode(b),
        b => ResetOffsetBody.Decode(b),
        b => ConsumeStats.Decode(b),
        b => RegisterBrokerBody.Decode(b),
        b => RegisterBrokerBody.Decode(b, compressed: true),
        b => ConsumerOffsetSerializeWrapper.Decode(b),
        b => ClusterInfo.Decode(b),
        b => KVConfigSerializeWrapper.Decode(b),
    ];

    [Test]
    public void MutatedBodiesOnlyEverThrowJsonBodyException()
    {
        var random = new Random(20260101);
        byte[] alphabet = Encoding.ASCII.GetBytes("{}[]:,\"'\\0123456789-+.eEtrufalsn u \t\n");
        int failures = 0;
        for (int i = 0; i < 4000; i++)
        {
            byte[] input = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]);
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(input.Length);
                switch (random.Next(4))
                {
                    case 0: input[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: input[at] = (byte)random.Next(256); break;
                    case 2: input = input[..at]; break;
                    default: input = [.. input[..at], alphabet[random.Next(alphabet.Length)], .. input[at..]]; break;
                }
                if (input.Length == 0)
                {
                    break;
                }
            }
            foreach (Action<byte[]> decode in Decoders)
            {
                try
                {
                    decode(input);
                }
                catch (JsonBodyException)
                {
                    failures++;
                }
                catch (Exception ex)
                {
                    Assert.Fail($"{ex.GetType().Name} for input {Encoding.UTF8.GetString(input)}: {ex}");
                }
            }
        }
        Assert.That(failures, Is.GreaterThan(0), "the mutations must actually break bodies");
    }

    [Test]
    public void RandomStringsRoundTripThroughWriterAndReader()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var sb = new StringBuilder();
            int length = random.Next(0, 40);
            for (int c = 0; c < length; c++)
            {
                sb.Append(random.Next(6) switch
                {
                    0 => (char)random.Next(0, 0x20),
                    1 => "\"\\/'"[random.Next(4)],
                    2 => (char)random.Next(0x80, 0xD800),
                    3 => "😀"[0..2],
                    _ => (char)random.Next(0x20, 0x7F),
                });
            }
            string value = sb.ToString();
            var buffer = new ArrayBufferWriter<byte>();
            new FastJsonWriter(buffer, JsonKeyStyle.Quoted).WriteStringValue(value);
            byte[] json = buffer.WrittenSpan.ToArray();
            Assert.That(json.Any(b => b < 0x20), Is.False, "control characters are escaped");
            var reader = new FastJsonReader(json);
            Assert.That(reader.ReadString(), Is.EqualTo(value));
            reader.ReadEnd();
        }
    }
}
