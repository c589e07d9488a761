using System.Buffers;
using System.Text;
using Mq.Protocol;
using Mq.Protocol.Headers;

namespace Mq.Tests.Protocol;

/// <summary>The hot headers encode and decode without allocating once buffers and strings are warm.</summary>
public sealed class HotHeaderAllocationTests
{
    private static readonly byte[] Properties = Encoding.UTF8.GetBytes("TAGS\u0001TagA\u0002KEYS\u0001order-1\u0002UNIQ_KEY\u00017F0000010A2B18B4AAC2742C5E3A0000\u0002");

    private static (string Name, Func<ICommandHeader> Sample, Func<ICommandHeader> Empty)[] Headers()
    {
        return new (string Name, Func<ICommandHeader> Sample, Func<ICommandHeader> Empty)[]
        {
            ("SendMessageRequestHeaderV2", () => new SendMessageRequestHeaderV2 { ProducerGroup = "pg", Topic = "TopicTest", DefaultTopic = "TBW102", DefaultTopicQueueNums = 4, QueueId = 1, BornTimestamp = 1700000000000, Properties = Properties, ReconsumeTimes = 0, UnitMode = false, Bname = "broker-a" }, () => new SendMessageRequestHeaderV2()),
            ("SendMessageResponseHeader", () => new SendMessageResponseHeader { MsgId = Encoding.ASCII.GetBytes("0A090F2800002A9F0000229E897CF382"), QueueId = 6, QueueOffset = 6379881, MsgRegion = "DefaultRegion", TraceOn = true }, () => new SendMessageResponseHeader()),
            ("PullMessageRequestHeader", () => new PullMessageRequestHeader { ConsumerGroup = "cg", Topic = "TopicTest", QueueId = 2, QueueOffset = 100, MaxMsgNums = 32, SysFlag = 3, CommitOffset = 90, SuspendTimeoutMillis = 15000, Subscription = "TagA || TagB", SubVersion = 1700000000456, ExpressionType = "TAG" }, () => new PullMessageRequestHeader()),
            ("PullMessageResponseHeader", () => new PullMessageResponseHeader { SuggestWhichBrokerId = 0, NextBeginOffset = 132, MinOffset = 0, MaxOffset = 1000 }, () => new PullMessageResponseHeader()),
        };
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var header in Headers())
        {
            foreach (SerializeType type in new[] { SerializeType.Json, SerializeType.RocketMq })
            {
                yield return new TestCaseData(header.Name, type).SetArgDisplayNames(header.Name, type.ToString());
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Encode_and_decode_allocate_nothing_in_steady_state(string name, SerializeType type)
    {
        var entry = Headers().Single(h => h.Name == name);
        ICommandHeader header = entry.Sample();
        ICommandHeader decoded = entry.Empty();
        using var command = new RemotingCommand();
        using var target = new RemotingCommand();
        var writer = new ArrayBufferWriter<byte>(4096);
        var cache = new Utf8StringCache();

        void EncodeDecode()
        {
            command.Reset();
            command.Code = RequestCode.SendMessageV2;
            command.SerializeType = type;
            header.Encode(command.ExtFields);
            writer.ResetWrittenCount();
            FrameCodec.Write(command, writer);
            var sequence = new ReadOnlySequence<byte>(writer.WrittenMemory);
            FrameCodec.TryParse(ref sequence, target, FrameCodec.DefaultMaxFrameLength, cache);
            decoded.Decode(target.ExtFields);
        }

        for (int i = 0; i < 100; i++)
        {
            EncodeDecode();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            EncodeDecode();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        foreach (var property in header.GetType().GetProperties())
        {
            object? expected = property.GetValue(header);
            object? actual = property.GetValue(decoded);
            if (expected is ReadOnlyMemory<byte> memory)
            {
                Assert.That(((ReadOnlyMemory<byte>)actual!).ToArray(), Is.EqualTo(memory.ToArray()), property.Name);
            }
            else
            {
                Assert.That(actual, Is.EqualTo(expected), property.Name);
            }
        }
    }
}
