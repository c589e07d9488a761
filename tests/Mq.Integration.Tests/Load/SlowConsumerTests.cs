using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Tests.Fuzz;
using Mq.TestKit;
using Mq.TestKit.Brokers;
using Mq.Transport;

namespace Mq.Tests.Load;

/// <summary>
/// Issue 9, load: a client that sends PULL requests and stops reading its socket must not make the broker
/// buffer answers without bound. The broker stops reading that connection's requests once its queued
/// answers pass the write high water mark (Netty's water marks with auto-read off), other clients keep
/// being served, and once the slow client reads again every answer arrives.
/// </summary>
[TestFixture]
[Category("Load")]
public sealed class SlowConsumerTests
{
    private const string Topic = "SlowTopic";
    private const int Requests = 4000;
    private const int MessageSize = 4096;
    private const int MaxMsgNums = 8;

    [Test]
    [CancelAfter(300_000)]
    public async Task A_consumer_that_stops_reading_is_throttled_with_bounded_memory_and_loses_nothing(CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        byte[] payload = new byte[MessageSize];
        new Random(9).NextBytes(payload);
        for (int i = 0; i < 64; i++)
        {
            using RemotingCommand sent = await client.SendAsync(Topic, payload, queueId: 0, defaultTopicQueueNums: 1);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
        }
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset, cancellationToken);
        long writeHighWater = broker.Options.Transport.MaxWriteBufferSize;
        using (RemotingCommand probe = await client.PullAsync("SlowGroup", Topic, 0, 0, maxMsgNums: MaxMsgNums))
        {
            Assert.That((probe.Code, probe.BodyLength >= MaxMsgNums * MessageSize), Is.EqualTo((ResponseCode.Success, true)), probe.Remark);
        }

        // Each request is padded with a body (ignored by PULL) so the requests outgrow every buffer on the
        // way (our socket buffer, the broker's socket and input pipe): the sending stalls only if the broker
        // stops reading. Each answer carries 8 x 4 KiB; unthrottled, the broker would queue ~130 MiB.
        byte[] requests = BuildPulls();
        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 64 * 1024, SendBufferSize = 64 * 1024 };
        await slow.ConnectAsync(IPEndPoint.Parse(broker.Address), cancellationToken);
        CrashWatch.FlushFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        Task sending = slow.SendAsync(requests, SocketFlags.None, cancellationToken).AsTask();

        RemotingConnection serverSide = await FindServerConnectionAsync(broker, (IPEndPoint)slow.LocalEndPoint!, cancellationToken);
        // Wait until the broker's side is blocked: its socket does not take more answers and it stopped reading.
        await WaitUntilAsync(() => serverSide.FlushPending, cancellationToken,
            () => $"queued {serverSide.QueuedBytes} bytes, sending completed: {sending.IsCompleted}, in flight {broker.Server.InFlightRequests}");

        // While the slow client stays connected: other clients are served, the queue stays bounded, the
        // slow client's requests are not all read.
        long maxQueued = 0;
        for (int i = 0; i < 20; i++)
        {
            maxQueued = Math.Max(maxQueued, serverSide.QueuedBytes);
            using RemotingCommand sent = await client.SendAsync(Topic, payload, queueId: 0);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
            await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset, cancellationToken);
            using RemotingCommand pulled = await client.PullAsync("OtherGroup", Topic, 0, i, maxMsgNums: 1);
            Assert.That(pulled.Code, Is.EqualTo(ResponseCode.Success), pulled.Remark);
            Assert.That(serverSide.QueuedBytes, Is.LessThanOrEqualTo(writeHighWater + 64 * 1024), "answers queued for the slow client");
        }
        Assert.That(sending.IsCompleted, Is.False, "the broker kept reading the slow client's requests");
        CrashWatch.FlushFinalizers();
        long heapWhileStalled = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Out.WriteLine($"slow consumer: {Requests} pulls of {MaxMsgNums} x {MessageSize / 1024} KiB sent unread; heap {heapBefore / 1024 / 1024} MiB -> {heapWhileStalled / 1024 / 1024} MiB while stalled; "
            + $"broker queue at most {maxQueued / 1024} KiB sampled (high water {writeHighWater / 1024} KiB), output pipe full");
        Assert.That(heapWhileStalled - heapBefore, Is.LessThan(32L * 1024 * 1024), "heap growth while the slow client stalls");

        // The slow client reads again: every request is answered, nothing was dropped.
        int answered = await ReadAnswersAsync(slow, Requests, cancellationToken);
        await sending;
        Assert.That(answered, Is.EqualTo(Requests));
    }

    private static byte[] BuildPulls()
    {
        var writer = new ArrayBufferWriter<byte>();
        byte[] padding = new byte[2048];
        for (int i = 1; i <= Requests; i++)
        {
            FrameFuzzer.WriteJson(writer, RequestCode.PullMessage, "JAVA", 409, i, 0, null,
            [
                ("consumerGroup", "SlowGroup"), ("topic", Topic), ("queueId", "0"), ("queueOffset", "0"), ("maxMsgNums", MaxMsgNums.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("sysFlag", "4"), ("commitOffset", "0"), ("suspendTimeoutMillis", "0"), ("subscription", "*"), ("subVersion", "0"), ("expressionType", "TAG"),
            ], padding, rawNumbers: false);
        }
        return writer.WrittenSpan.ToArray();
    }

    private static async Task<int> ReadAnswersAsync(Socket socket, int expected, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[256 * 1024];
        int filled = 0;
        int answered = 0;
        while (answered < expected)
        {
            int received = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
            Assert.That(received, Is.GreaterThan(0), "the broker closed the slow connection");
            filled += received;
            int consumed = 0;
            while (filled - consumed >= 4)
            {
                int total = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(consumed));
                if (filled - consumed - 4 < total)
                {
                    break;
                }
                var frame = new ReadOnlySequence<byte>(buffer, consumed, 4 + total);
                Assert.That(FrameCodec.TryParse(ref frame, out RemotingCommand? response), Is.True);
                using (response)
                {
                    Assert.That(response!.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
                    Assert.That(response.BodyLength, Is.GreaterThanOrEqualTo(MaxMsgNums * MessageSize));
                }
                answered++;
                consumed += 4 + total;
            }
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
        return answered;
    }

    private static async Task<RemotingConnection> FindServerConnectionAsync(Broker broker, IPEndPoint client, CancellationToken cancellationToken)
    {
        RemotingConnection? found = null;
        await WaitUntilAsync(() => (found = broker.Server.Connections.FirstOrDefault(c => client.Equals(c.RemoteEndPoint))) is not null, cancellationToken);
        return found!;
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken, Func<string>? state = null, int timeoutSeconds = 60)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(timeoutSeconds)), () => "condition not reached: " + state?.Invoke());
            await Task.Delay(10, cancellationToken);
        }
    }
}
