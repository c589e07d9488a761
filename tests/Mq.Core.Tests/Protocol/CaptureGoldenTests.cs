using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.TestKit;
using Mq.TestKit.Protocol;

namespace Mq.Tests.Protocol;

/// <summary>Decodes every frame of real traffic between a .NET client and an Apache RocketMQ 4.9.7 cluster.</summary>
[Category("Interop")]
public sealed class CaptureGoldenTests
{
    private static IReadOnlyList<TcpStream> Streams() => PcapReader.ReadTcpStreams(TestData.Read("captures/rmq_4.9.7.pcap"));

    private static List<(TcpStream Stream, byte[] Frame)> Frames()
    {
        var frames = new List<(TcpStream, byte[])>();
        foreach (TcpStream stream in Streams())
        {
            int offset = 0;
            while (offset < stream.Data.Length)
            {
                int total = BinaryPrimitives.ReadInt32BigEndian(stream.Data.AsSpan(offset));
                frames.Add((stream, stream.Data.AsSpan(offset, 4 + total).ToArray()));
                offset += 4 + total;
            }
            Assert.That(offset, Is.EqualTo(stream.Data.Length), "stream " + stream.Key + " ends on a frame boundary");
        }
        return frames;
    }

    [Test]
    public void Capture_reassembles_into_the_expected_streams()
    {
        IReadOnlyList<TcpStream> streams = Streams();
        Assert.That(streams, Has.Count.EqualTo(6));
        Assert.That(streams.Select(s => s.Key.DestinationPort).Distinct(), Is.EquivalentTo(new[] { 10911, 8157, 9876, 18757, 8332 }));
    }

    [Test]
    public void Every_frame_decodes_and_the_stream_is_fully_consumed()
    {
        foreach (TcpStream stream in Streams())
        {
            var sequence = new ReadOnlySequence<byte>(stream.Data);
            int count = 0;
            while (FrameCodec.TryParse(ref sequence, out RemotingCommand? command))
            {
                command!.Dispose();
                count++;
            }
            Assert.That(sequence.Length, Is.Zero, stream.Key.ToString());
            Assert.That(count, Is.GreaterThan(0));
        }
    }

    [Test]
    public void Route_request_and_response_with_unquoted_broker_ids()
    {
        var frames = Frames();
        (TcpStream _, byte[] requestFrame) = frames.Single(f => f.Stream.Key.DestinationPort == 9876);
        (TcpStream _, byte[] responseFrame) = frames.Single(f => f.Stream.Key.SourcePort == 9876);

        using RemotingCommand request = FrameTestHelpers.Decode(requestFrame);
        var header = request.DecodeHeader<GetRouteInfoRequestHeader>();
        using RemotingCommand response = FrameTestHelpers.Decode(responseFrame);
        string body = Encoding.UTF8.GetString(response.Body.Span);

        Assert.Multiple(() =>
        {
            Assert.That(request.Code, Is.EqualTo(RequestCode.GetRouteInfoByTopic));
            Assert.That(request.Language, Is.EqualTo(LanguageCode.DotNet));
            Assert.That(request.Version, Is.EqualTo(373));
            Assert.That(request.Remark, Is.EqualTo("GET_ROUTEINTO_BY_TOPIC"));
            Assert.That(header.Topic, Is.EqualTo("IOC_INS_PARSE_TOPIC"));
            Assert.That(response.IsResponse, Is.True);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(response.Opaque, Is.EqualTo(request.Opaque));
            Assert.That(response.Language, Is.EqualTo(LanguageCode.Java));
            Assert.That(response.SerializeType, Is.EqualTo(SerializeType.Json));
            Assert.That(response.HasExtFields, Is.False);
            Assert.That(body, Does.StartWith("{\"brokerDatas\":[{\"brokerAddrs\":{0:\""));
            Assert.That(body, Does.Contain("\"queueDatas\":["));
        });
    }

    [Test]
    public void Send_v2_requests_decode_with_single_letter_aliases()
    {
        var sends = new List<RemotingCommand>();
        try
        {
            foreach ((TcpStream stream, byte[] frame) in Frames())
            {
                if (stream.Key.DestinationPort == 10911)
                {
                    RemotingCommand command = FrameTestHelpers.Decode(frame);
                    if (command.Code == RequestCode.SendMessageV2)
                    {
                        sends.Add(command);
                    }
                    else
                    {
                        Assert.That(command.Code, Is.EqualTo(RequestCode.HeartBeat));
                        Assert.That(Encoding.UTF8.GetString(command.Body.Span), Does.StartWith("{\"ClientID\":"));
                        command.Dispose();
                    }
                }
            }
            Assert.That(sends, Has.Count.EqualTo(26));
            var v2 = new SendMessageRequestHeaderV2();
            var v1 = new SendMessageRequestHeader();
            foreach (RemotingCommand send in sends)
            {
                send.DecodeHeader(v2);
                v1.Decode(send.Code, send.ExtFields);
                string properties = Encoding.UTF8.GetString(v2.Properties.Span);
                Assert.Multiple(() =>
                {
                    Assert.That(v2.ProducerGroup, Is.EqualTo("DEFAULT_PRODUCER"));
                    Assert.That(v2.Topic, Is.EqualTo("IOC_INS_PARSE_TOPIC"));
                    Assert.That(v2.DefaultTopic, Is.EqualTo("TBW102"));
                    Assert.That(v2.DefaultTopicQueueNums, Is.Zero);
                    Assert.That(v2.QueueId, Is.InRange(0, 9));
                    Assert.That(v2.BornTimestamp, Is.InRange(1693459822000L, 1693459848000L));
                    Assert.That(v2.UnitMode, Is.False, "\"False\" reads as false");
                    Assert.That(v2.ReconsumeTimes, Is.Zero);
                    Assert.That(properties, Does.Match("^TAGS\u0001T\\d{4}\u0002KEYS\u0001[0-9a-f]+\u0002WAIT\u0001True\u0002$"));
                    Assert.That(send.Body.Span[0], Is.EqualTo((byte)'{'));
                    Assert.That(v1.Topic, Is.EqualTo(v2.Topic));
                    Assert.That(v1.QueueId, Is.EqualTo(v2.QueueId));
                    Assert.That(v1.Properties.ToArray(), Is.EqualTo(v2.Properties.ToArray()));
                });
            }
        }
        finally
        {
            foreach (RemotingCommand send in sends)
            {
                send.Dispose();
            }
        }
    }

    [Test]
    public void Broker_binary_send_responses_decode()
    {
        var header = new SendMessageResponseHeader();
        int responses = 0;
        foreach ((TcpStream stream, byte[] frame) in Frames())
        {
            if (stream.Key.SourcePort != 10911)
            {
                continue;
            }
            using RemotingCommand response = FrameTestHelpers.Decode(frame);
            Assert.That(response.SerializeType, Is.EqualTo(SerializeType.RocketMq));
            Assert.That(response.IsResponse, Is.True);
            Assert.That(response.Language, Is.EqualTo(LanguageCode.Java));
            Assert.That(response.Version, Is.EqualTo(373));
            if (!response.HasExtFields)
            {
                continue; // heartbeat responses
            }
            response.DecodeHeader(header);
            responses++;
            Assert.Multiple(() =>
            {
                Assert.That(Encoding.ASCII.GetString(header.MsgId.Span), Does.Match("^[0-9A-F]{32}$"));
                Assert.That(header.QueueId, Is.InRange(0, 9));
                Assert.That(header.QueueOffset, Is.GreaterThan(0));
                Assert.That(header.MsgRegion, Is.EqualTo("DefaultRegion"));
                Assert.That(header.TraceOn, Is.True);
            });
        }
        Assert.That(responses, Is.EqualTo(26));
    }

    [Test]
    public void Every_frame_split_at_every_byte_boundary_decodes_the_same()
    {
        foreach ((TcpStream _, byte[] frame) in Frames())
        {
            using RemotingCommand expected = FrameTestHelpers.Decode(frame);
            string expectedText = Describe(expected);
            using var command = new RemotingCommand();
            for (int cut = 1; cut < frame.Length; cut++)
            {
                ReadOnlySequence<byte> sequence = SequenceBuilder.Split(frame, cut);
                Assert.That(FrameCodec.TryParse(ref sequence, command), Is.True);
                Assert.That(Describe(command), Is.EqualTo(expectedText), "cut at " + cut);
            }
            ReadOnlySequence<byte> bytes = SequenceBuilder.BytePerSegment(frame);
            Assert.That(FrameCodec.TryParse(ref bytes, command), Is.True);
            Assert.That(Describe(command), Is.EqualTo(expectedText));
        }
    }

    private static string Describe(RemotingCommand command)
    {
        var text = new StringBuilder(command.ToString());
        foreach (var pair in FrameTestHelpers.Fields(command))
        {
            text.Append('|').Append(pair.Key).Append('=').Append(pair.Value);
        }
        text.Append('|').Append(Convert.ToHexString(command.Body.Span));
        return text.ToString();
    }
}
