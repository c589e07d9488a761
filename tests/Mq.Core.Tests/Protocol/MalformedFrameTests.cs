using System.Buffers;
using System.Buffers.Binary;
using Mq.Protocol;
using static Mq.Tests.Protocol.FrameTestHelpers;

namespace Mq.Tests.Protocol;

public sealed class MalformedFrameTests
{
    [TestCase(-1)]
    [TestCase(int.MinValue)]
    [TestCase(0)]
    [TestCase(3)]
    [TestCase(16 * 1024 * 1024 - 3)]
    [TestCase(int.MaxValue)]
    public void Bad_total_lengths_are_refused_before_buffering(int total)
    {
        byte[] prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, total);
        var sequence = new ReadOnlySequence<byte>(prefix);
        Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref sequence, out _));
    }

    [Test]
    public void The_largest_allowed_frame_is_accepted()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessage);
        int header = FrameCodec.MeasureFrame(command);
        command.SetBody(new byte[1024 - header]);
        byte[] frame = Encode(command);
        Assert.That(frame, Has.Length.EqualTo(1024));
        var sequence = new ReadOnlySequence<byte>(frame);
        Assert.That(FrameCodec.TryParse(ref sequence, out RemotingCommand? parsed, maxFrameLength: 1024), Is.True);
        parsed!.Dispose();
        var tooSmall = new ReadOnlySequence<byte>(frame);
        Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref tooSmall, out _, maxFrameLength: 1023));
    }

    [TestCase(2)]
    [TestCase(0x7F)]
    public void Unknown_serialize_type_is_refused(int type)
    {
        byte[] frame = JsonFrame("{\"code\":1}");
        frame[4] = (byte)type;
        var sequence = new ReadOnlySequence<byte>(frame);
        var ex = Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref sequence, out _));
        Assert.That(ex!.Message, Does.Contain("serialize type"));
    }

    [Test]
    public void Header_longer_than_frame_is_refused()
    {
        byte[] frame = JsonFrame("{\"code\":1}");
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), 1000);
        var sequence = new ReadOnlySequence<byte>(frame);
        Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref sequence, out _));
    }

    [Test]
    public void Binary_header_with_lengths_out_of_range_is_refused()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.PullMessage, SerializeType.RocketMq);
        command.ExtFields.Add("topic"u8, "T");
        byte[] good = Encode(command);
        foreach (int offset in new[] { 8 + 13, 8 + 17, 8 + 21, 8 + 23 + 5 })
        {
            byte[] bad = (byte[])good.Clone();
            bad[offset] = 0x7F; // a huge or negative length
            var sequence = new ReadOnlySequence<byte>(bad);
            Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref sequence, out _), "offset " + offset);
        }
        byte[] shortHeader = (byte[])good.Clone();
        BinaryPrimitives.WriteInt32BigEndian(shortHeader.AsSpan(4), (1 << 24) | 10);
        var s2 = new ReadOnlySequence<byte>(shortHeader);
        Assert.Throws<RemotingProtocolException>(() => FrameCodec.TryParse(ref s2, out _));
    }

    [Test]
    public void Random_frames_either_parse_or_throw_the_protocol_exception([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        using var template = RemotingCommand.CreateRequest(RequestCode.SendMessageV2);
        template.ExtFields.Add("a"u8, "group");
        template.ExtFields.Add("i"u8, "TAGS\u0001x\u0002");
        template.Remark = "r";
        byte[] json = Encode(template);
        template.SerializeType = SerializeType.RocketMq;
        byte[] binary = Encode(template);
        for (int i = 0; i < 5000; i++)
        {
            byte[] frame = (byte[])(i % 2 == 0 ? json : binary).Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                frame[random.Next(4, frame.Length)] = (byte)random.Next(256);
            }
            var sequence = new ReadOnlySequence<byte>(frame);
            try
            {
                if (FrameCodec.TryParse(ref sequence, out RemotingCommand? command))
                {
                    command!.Dispose();
                }
            }
            catch (RemotingProtocolException)
            {
                // expected for most mutations
            }
        }
        Assert.Pass("5000 mutated frames handled without an unexpected exception type");
    }
}
