using System.Buffers;
using System.Text;
using System.Text.Json;
using Mq.Protocol;
using static Mq.Tests.Protocol.FrameTestHelpers;

namespace Mq.Tests.Protocol;

public sealed class FrameCodecTests
{
    [Test]
    public void Json_request_is_byte_identical_to_the_java_example()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic);
        command.Language = LanguageCode.Java;
        command.Opaque = 7;
        command.ExtFields.Add("topic"u8, "TopicTest");

        byte[] frame = Encode(command);

        const string Header = "{\"code\":105,\"extFields\":{\"topic\":\"TopicTest\"},\"flag\":0,\"language\":\"JAVA\",\"opaque\":7,\"serializeTypeCurrentRPC\":\"JSON\",\"version\":409}";
        Assert.That(Convert.ToHexString(frame.AsSpan(0, 8)), Is.EqualTo("0000008700000083"));
        Assert.That(Encoding.UTF8.GetString(frame, 8, frame.Length - 8), Is.EqualTo(Header));
    }

    [Test]
    public void Binary_request_is_byte_identical_to_the_documented_example()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, SerializeType.RocketMq);
        command.Language = LanguageCode.Java;
        command.Opaque = 7;
        command.ExtFields.Add("topic"u8, "TopicTest");

        byte[] frame = Encode(command);

        string expected = "0000002d01000029" + "0069" + "00" + "0199" + "00000007" + "00000000" + "00000000" + "00000014"
            + "0005" + Convert.ToHexString("topic"u8) + "00000009" + Convert.ToHexString("TopicTest"u8);
        Assert.That(Convert.ToHexString(frame), Is.EqualTo(expected.ToUpperInvariant()));
    }

    [Test]
    public void Binary_send_response_from_a_real_broker_decodes()
    {
        // NL capture of a 4.8.0 broker's send response (protocol doc §1.4).
        string hex = "00000099010000950000000175000006280000000100000000000000800007" + Convert.ToHexString("queueId"u8) + "00000001" + Convert.ToHexString("6"u8)
            + "0008" + Convert.ToHexString("TRACE_ON"u8) + "00000004" + Convert.ToHexString("true"u8)
            + "000a" + Convert.ToHexString("MSG_REGION"u8) + "0000000d" + Convert.ToHexString("DefaultRegion"u8)
            + "0005" + Convert.ToHexString("msgId"u8) + "00000020" + Convert.ToHexString("0A090F2800002A9F0000229E897CF382"u8)
            + "000b" + Convert.ToHexString("queueOffset"u8) + "00000007" + Convert.ToHexString("6379881"u8);
        using RemotingCommand command = Decode(Convert.FromHexString(hex));

        Assert.Multiple(() =>
        {
            Assert.That(command.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(command.Version, Is.EqualTo(373));
            Assert.That(command.Opaque, Is.EqualTo(0x628));
            Assert.That(command.IsResponse, Is.True);
            Assert.That(command.SerializeType, Is.EqualTo(SerializeType.RocketMq));
            Assert.That(command.Remark, Is.Null);
            Assert.That(Fields(command), Is.EqualTo(new Dictionary<string, string>
            {
                ["queueId"] = "6", ["TRACE_ON"] = "true", ["MSG_REGION"] = "DefaultRegion",
                ["msgId"] = "0A090F2800002A9F0000229E897CF382", ["queueOffset"] = "6379881",
            }));
        });
    }

    [TestCase(SerializeType.Json)]
    [TestCase(SerializeType.RocketMq)]
    public void Round_trip_keeps_every_field(SerializeType type)
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessageV2, type);
        command.Opaque = -12345;
        command.Flag = RemotingCommand.OnewayFlag;
        command.Version = 399;
        command.Language = LanguageCode.Go;
        command.Remark = "héllo \"quoted\" \\ \u0001\u0002 tab\t 🚀";
        command.ExtFields.Add("a"u8, "group");
        command.ExtFields.Add("i"u8, "TAGS\u0001TagA\u0002KEYS\u0001k1\u0002");
        command.ExtFields.Add("g"u8, 1700000000000L);
        command.ExtFields.Add("k"u8, false);
        command.ExtFields.Add("中文"u8, "值");
        byte[] body = Encoding.UTF8.GetBytes("body bytes");
        command.SetBody(body);

        using RemotingCommand decoded = RoundTrip(command);

        Assert.Multiple(() =>
        {
            Assert.That(decoded.Code, Is.EqualTo(RequestCode.SendMessageV2));
            Assert.That(decoded.Opaque, Is.EqualTo(-12345));
            Assert.That(decoded.IsOneway, Is.True);
            Assert.That(decoded.IsResponse, Is.False);
            Assert.That(decoded.Version, Is.EqualTo(399));
            Assert.That(decoded.Language, Is.EqualTo(LanguageCode.Go));
            Assert.That(decoded.Remark, Is.EqualTo(command.Remark));
            Assert.That(decoded.SerializeType, Is.EqualTo(type));
            Assert.That(Fields(decoded), Is.EqualTo(Fields(command)));
            Assert.That(decoded.ExtFields.GetRequiredInt64("g"u8), Is.EqualTo(1700000000000L));
            Assert.That(decoded.Body.ToArray(), Is.EqualTo(body));
        });
    }

    [Test]
    public void Json_header_written_is_strict_json_with_escaped_control_characters()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.SendMessageV2);
        command.Remark = "a\u0001b\"c\\";
        command.ExtFields.Add("i"u8, "TAGS\u0001T\u0002");
        command.ExtFields.Add("k"u8, true);
        byte[] frame = Encode(command);
        string header = Encoding.UTF8.GetString(frame, 8, frame.Length - 8);

        using JsonDocument document = JsonDocument.Parse(header); // strict parser: throws on raw control characters
        Assert.Multiple(() =>
        {
            Assert.That(header, Does.Contain("\"i\":\"TAGS\\u0001T\\u0002\""));
            Assert.That(header, Does.Contain("\"k\":\"true\""));
            Assert.That(header, Does.Not.Contain(" "));
            Assert.That(document.RootElement.GetProperty("remark").GetString(), Is.EqualTo("a\u0001b\"c\\"));
            Assert.That(document.RootElement.GetProperty("language").GetString(), Is.EqualTo("DOTNET"));
        });
    }

    [Test]
    public void Response_mirrors_request_opaque_and_serialisation()
    {
        using var request = RemotingCommand.CreateRequest(RequestCode.PullMessage, SerializeType.RocketMq);
        request.Opaque = 99;
        using var response = RemotingCommand.CreateResponse(request, ResponseCode.PullNotFound, "NO_NEW_MSG");
        using RemotingCommand decoded = RoundTrip(response);
        Assert.Multiple(() =>
        {
            Assert.That(decoded.IsResponse, Is.True);
            Assert.That(decoded.Opaque, Is.EqualTo(99));
            Assert.That(decoded.SerializeType, Is.EqualTo(SerializeType.RocketMq));
            Assert.That(decoded.Remark, Is.EqualTo("NO_NEW_MSG"));
        });
    }

    [Test]
    public void Binary_zero_length_values_read_as_absent()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.PullMessage, SerializeType.RocketMq);
        command.Remark = "";
        command.ExtFields.Add("empty"u8, "");
        command.ExtFields.Add("full"u8, "x");
        using RemotingCommand decoded = RoundTrip(command);
        Assert.Multiple(() =>
        {
            Assert.That(decoded.Remark, Is.Null);
            Assert.That(decoded.ExtFields.Contains("empty"u8), Is.False);
            Assert.That(decoded.ExtFields.GetString("full"u8), Is.EqualTo("x"));
        });
    }

    [Test]
    public void Incomplete_frames_need_more_data_and_consume_nothing()
    {
        using var command = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        command.SetBody(new byte[100]);
        byte[] frame = Encode(command);
        for (int length = 0; length < frame.Length; length++)
        {
            var sequence = new ReadOnlySequence<byte>(frame, 0, length);
            Assert.That(FrameCodec.TryParse(ref sequence, out RemotingCommand? parsed), Is.False, "length " + length);
            Assert.That(parsed, Is.Null);
            Assert.That(sequence.Length, Is.EqualTo(length));
        }
    }

    [Test]
    public void Several_frames_in_one_buffer_parse_one_by_one()
    {
        var writer = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 3; i++)
        {
            using var command = RemotingCommand.CreateRequest(RequestCode.GetMaxOffset, i % 2 == 0 ? SerializeType.Json : SerializeType.RocketMq);
            command.Opaque = i;
            FrameCodec.Write(command, writer);
        }
        var sequence = new ReadOnlySequence<byte>(writer.WrittenMemory);
        for (int i = 0; i < 3; i++)
        {
            Assert.That(FrameCodec.TryParse(ref sequence, out RemotingCommand? command), Is.True);
            Assert.That(command!.Opaque, Is.EqualTo(i));
            command.Dispose();
        }
        Assert.That(sequence.Length, Is.Zero);
    }

    [Test]
    public void A_reused_command_decodes_frame_after_frame()
    {
        using var command = new RemotingCommand();
        for (int i = 0; i < 3; i++)
        {
            using var source = RemotingCommand.CreateRequest(RequestCode.PullMessage);
            source.Opaque = i;
            source.ExtFields.Add("topic"u8, "T" + i);
            var sequence = new ReadOnlySequence<byte>(Encode(source));
            Assert.That(FrameCodec.TryParse(ref sequence, command), Is.True);
            Assert.That(command.ExtFields.GetString("topic"u8), Is.EqualTo("T" + i));
            Assert.That(command.ExtFields.Count, Is.EqualTo(1));
        }
    }
}
