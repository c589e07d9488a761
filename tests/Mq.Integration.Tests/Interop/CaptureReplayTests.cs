using System.Buffers;
using System.Text;
using Mq.Protocol;
using Mq.Testing;
using Mq.TestKit;
using Mq.TestKit.Protocol;
using Mq.Transport;

namespace Mq.Tests.Interop;

/// <summary>
/// Every client request captured between a client and Apache RocketMQ 4.9.7 (../shared/testdata/captures/rmq_4.9.7.pcap),
/// replayed against our NameServer (requests that went to 9876) and Broker (every other server port), gets a response
/// of the captured shape: same code, the captured header field names, same body kind (none, JSON, binary).
/// </summary>
[TestFixture]
[Category("Interop")]
public sealed class CaptureReplayTests
{
    private enum BodyKind { None, Json, Binary }

    private static List<RemotingCommand> Commands(TcpStream stream)
    {
        var list = new List<RemotingCommand>();
        var sequence = new ReadOnlySequence<byte>(stream.Data);
        while (FrameCodec.TryParse(ref sequence, out RemotingCommand? command))
        {
            list.Add(command!);
        }
        return list;
    }

    private static BodyKind Kind(RemotingCommand command) =>
        command.Body.Length == 0 ? BodyKind.None : command.Body.Span[0] is (byte)'{' or (byte)'[' ? BodyKind.Json : BodyKind.Binary;

    private static SortedSet<string> FieldNames(RemotingCommand command)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        if (command.HasExtFields)
        {
            for (int i = 0; i < command.ExtFields.Count; i++)
            {
                names.Add(Encoding.UTF8.GetString(command.ExtFields.KeyAt(i)));
            }
        }
        return names;
    }

    [Test]
    public async Task EveryCapturedRequest_GetsAResponseOfTheCapturedShape()
    {
        IReadOnlyList<TcpStream> streams = PcapReader.ReadTcpStreams(TestData.Read("captures/rmq_4.9.7.pcap"));
        await using MqCluster cluster = await MqCluster.StartAsync(o => o.AutoCreateTopic = true);
        await using var client = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(10) });
        // The captured broker already had the topics, with as many queues as the clients used: create them alike.
        var topics = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (RemotingCommand command in streams.SelectMany(Commands).Where(c => !c.IsResponse && c.HasExtFields))
        {
            bool v2 = command.Code == RequestCode.SendMessageV2;
            string? topic = command.ExtFields[v2 ? "b" : "topic"];
            if (topic is null || topic.StartsWith('%') || topic == "TBW102")
            {
                continue;
            }
            int queue = int.TryParse(command.ExtFields[v2 ? "e" : "queueId"], out int q) ? q : 0;
            topics[topic] = Math.Max(topics.GetValueOrDefault(topic, 1), queue + 1);
        }
        foreach ((string topic, int queues) in topics)
        {
            await cluster.CreateTopicAsync(topic, Math.Max(queues, 4));
        }
        int replayed = 0;
        var mismatches = new List<string>();
        foreach (TcpStream toServer in streams)
        {
            TcpStream? fromServer = streams.FirstOrDefault(s => s.Key.Source == toServer.Key.Destination && s.Key.SourcePort == toServer.Key.DestinationPort
                && s.Key.DestinationPort == toServer.Key.SourcePort);
            List<RemotingCommand> requests = [.. Commands(toServer).Where(c => !c.IsResponse)];
            if (fromServer is null || requests.Count == 0)
            {
                continue;
            }
            Dictionary<int, RemotingCommand> responses = Commands(fromServer).Where(c => c.IsResponse).ToDictionary(c => c.Opaque);
            string target = toServer.Key.DestinationPort == 9876 ? cluster.NameServers[0].Address : cluster.Brokers[0].Address;
            foreach (RemotingCommand request in requests)
            {
                if (request.IsOneway || !responses.TryGetValue(request.Opaque, out RemotingCommand? captured))
                {
                    continue;
                }
                int code = request.Code;
                using RemotingCommand ours = await client.InvokeAsync(target, request);
                replayed++;
                string what = $"{toServer.Key} request {code}";
                if (ours.Code != captured.Code)
                {
                    mismatches.Add($"{what}: code {ours.Code} ({ours.Remark}), captured {captured.Code}");
                    continue;
                }
                SortedSet<string> missing = FieldNames(captured);
                missing.ExceptWith(FieldNames(ours));
                if (missing.Count > 0)
                {
                    mismatches.Add($"{what}: header fields missing: {string.Join(',', missing)}");
                }
                if (Kind(ours) != Kind(captured))
                {
                    mismatches.Add($"{what}: body {Kind(ours)}, captured {Kind(captured)}");
                }
            }
        }
        TestContext.Out.WriteLine($"replayed {replayed} requests over {topics.Count} topics");
        Assert.That(replayed, Is.GreaterThan(0), "no request/response pair found in the capture");
        Assert.That(mismatches, Is.Empty);
    }
}
