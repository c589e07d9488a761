using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Testing;
using Mq.TestKit.Brokers;
using Mq.Transport;

namespace Mq.Tests.Fuzz;

/// <summary>
/// Protocol fuzzing against a live broker and NameServer (issue 9, bad input): a million hostile frames
/// (MQ_FUZZ_FRAMES overrides), mostly well-framed but hostile inside and pipelined thousands per
/// connection, plus connection-killing frames over thousands of connections, while a well-behaved
/// client keeps sending, reading back and asking the NameServer for routes.
/// </summary>
[TestFixture]
[Category("Fuzz")]
[NonParallelizable]
public sealed class LiveFuzzTests
{
    private const int Seed = 20261125;
    private const int Workers = 4;
    private const int PipelinedBatch = 4000;
    private const int KillersPerPipelined = 10;
    private const string GoodTopic = "WellBehaved";

    /// <summary>Managed heap growth allowed over phase 2, after a forced GC.</summary>
    private const long HeapBound = 64L * 1024 * 1024;

    /// <summary>
    /// Process working set allowed at the end (client and servers together; the GC keeps freed regions and
    /// the shared array pool keeps buffers of every size for a while, so this is a ceiling, not a growth figure).
    /// </summary>
    private const long WorkingSetBound = 1024L * 1024 * 1024;

    private static long TargetFrames =>
        long.TryParse(Environment.GetEnvironmentVariable("MQ_FUZZ_FRAMES"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0 ? n : 1_000_000;

    [Test]
    [CancelAfter(600_000)]
    public async Task A_million_hostile_frames_crash_nothing_and_well_behaved_clients_keep_working(CancellationToken cancellationToken)
    {
        using var watch = new CrashWatch();
        List<RemotingCommand> seeds = FuzzSeeds.Load();
        try
        {
            await using MqCluster cluster = await MqCluster.StartAsync(o => o.LoggerFactory = watch, cancellationToken);
            await cluster.CreateTopicAsync(GoodTopic, 4, cancellationToken: cancellationToken);
            MqClusterBroker broker = cluster.Brokers[0];
            IPEndPoint brokerEndPoint = IPEndPoint.Parse(broker.Address);
            IPEndPoint nameServerEndPoint = cluster.NameServers[0].EndPoint;

            var stats = new FuzzStats();
            int baseline = ServerConnections(broker, cluster.NameServers[0]);
            CrashWatch.FlushFinalizers();
            long heapStart = GC.GetTotalMemory(forceFullCollection: true);
            long workingSetStart = Environment.WorkingSet;

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await using var good = new BrokerTestClient(broker.Address, "127.0.0.1@well-behaved");
            await using var routes = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
            var acknowledged = new List<(int QueueId, long Offset, string Body)>();
            Task<int> goodLoop = WellBehavedLoopAsync(good, acknowledged, stop.Token);
            Task<int> routeLoop = RouteLoopAsync(routes, cluster.NameServers[0].Address, stop.Token);

            // Phase 1 (a fifth of the frames) fills what legitimately grows with hostile input (fuzz topics and
            // groups, pooled buffers of every size); phase 2 must then not grow the heap beyond the bound.
            var clock = Stopwatch.StartNew();
            await RunWorkersAsync(seeds, brokerEndPoint, nameServerEndPoint, stats, TargetFrames / 5, 0, cancellationToken);
            await WaitForConnectionsAsync(broker, cluster.NameServers[0], baseline + 2, cancellationToken);
            CrashWatch.FlushFinalizers();
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            long workingSetBefore = Environment.WorkingSet;
            await RunWorkersAsync(seeds, brokerEndPoint, nameServerEndPoint, stats, TargetFrames, 100, cancellationToken);
            clock.Stop();
            await stop.CancelAsync();
            int goodSends = await goodLoop;
            int routeQueries = await routeLoop;

            // The well-behaved client's messages are all there, byte for byte.
            await broker.Node!.Store.WaitForDispatchAsync(broker.Node.Store.CommitLogMaxOffset, cancellationToken);
            foreach ((int queueId, long offset, string body) in acknowledged)
            {
                using RemotingCommand pull = await good.PullAsync("WellBehavedGroup", GoodTopic, queueId, offset, maxMsgNums: 1);
                Assert.That(pull.Code, Is.EqualTo(ResponseCode.Success), pull.Remark);
                DecodedMessage message = BrokerTestClient.DecodeAll(pull.Body.Span)[0];
                Assert.That((message.QueueOffset, Encoding.UTF8.GetString(message.Body)), Is.EqualTo((offset, body)));
            }

            // Every fuzz connection is gone on the server side; memory is back within bounds.
            await WaitForConnectionsAsync(broker, cluster.NameServers[0], baseline + 2, cancellationToken);
            CrashWatch.FlushFinalizers();
            long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            long workingSetAfter = Environment.WorkingSet;

            // Still serving a new, well-behaved client after everything.
            await using (var fresh = new BrokerTestClient(broker.Address, "127.0.0.1@after"))
            {
                using RemotingCommand send = await fresh.SendAsync(GoodTopic, "after the storm"u8.ToArray());
                Assert.That(send.Code, Is.EqualTo(ResponseCode.Success), send.Remark);
            }

            var report = new StringBuilder();
            report.Append(CultureInfo.InvariantCulture, $"fuzz: {stats.Frames:N0} frames in {clock.Elapsed.TotalSeconds:F1} s ({stats.Frames / clock.Elapsed.TotalSeconds:N0}/s), {stats.BytesSent / (1024 * 1024):N0} MiB; ");
            report.Append(CultureInfo.InvariantCulture, $"{stats.PipelinedConnections} pipelined + {stats.KillerConnections} killer connections; ");
            report.Append(CultureInfo.InvariantCulture, $"{stats.AnswerableRequests:N0} answers owed, {stats.ResponsesReceived:N0} responses, {stats.ServerRequests} server callbacks\n");
            for (int k = 0; k < stats.FramesByKind.Length; k++)
            {
                report.Append(CultureInfo.InvariantCulture, $"  {(FuzzKind)k}: {stats.FramesByKind[k]:N0}\n");
            }
            report.Append(CultureInfo.InvariantCulture, $"well-behaved: {goodSends} sends acknowledged and read back, {routeQueries} route queries\n");
            report.Append(CultureInfo.InvariantCulture, $"heap after GC: start {heapStart / 1024 / 1024} MiB, after phase 1 {heapBefore / 1024 / 1024} MiB, end {heapAfter / 1024 / 1024} MiB; ");
            report.Append(CultureInfo.InvariantCulture, $"threads {ThreadPool.ThreadCount}; ");
            report.Append(CultureInfo.InvariantCulture, $"working set: start {workingSetStart / 1024 / 1024} MiB, after phase 1 {workingSetBefore / 1024 / 1024} MiB, end {workingSetAfter / 1024 / 1024} MiB\n");
            report.Append("log events: ").Append(string.Join(", ", watch.Counts.OrderBy(p => p.Key).Select(p => p.Key + "x" + p.Value)));
            report.Append(CultureInfo.InvariantCulture, $"\nbroker: {broker.Node.Topics.Count} topics, {broker.Node.Groups.Count} groups, {broker.Node.PullHolds.Count} held pulls, {broker.Node.Server.InFlightRequests} in flight");
            report.Append("\nlogged exceptions: ").Append(string.Join(", ", watch.ExceptionTypes.Select(p => p.Key + "x" + p.Value)));
            report.Append("\nproblems: ").Append(string.Join("\n", watch.Problems.Take(10)));
            TestContext.Out.WriteLine(report.ToString());

            Assert.That(stats.Failures, Is.Empty, "protocol failures");
            Assert.That(watch.Problems, Is.Empty, "crashes or defects");
            Assert.That(stats.Frames, Is.GreaterThanOrEqualTo(TargetFrames));
            Assert.That(goodSends, Is.GreaterThan(0));
            Assert.That(routeQueries, Is.GreaterThan(0));
            Assert.That(heapAfter - heapBefore, Is.LessThan(HeapBound), "managed heap growth over phase 2");
            Assert.That(workingSetAfter, Is.LessThan(WorkingSetBound), "working set at the end");
        }
        finally
        {
            foreach (RemotingCommand seed in seeds)
            {
                seed.Dispose();
            }
        }
    }

    private static Task RunWorkersAsync(List<RemotingCommand> seeds, IPEndPoint broker, IPEndPoint nameServer, FuzzStats stats, long until, int seedOffset,
        CancellationToken cancellationToken)
    {
        var workers = new Task[Workers];
        for (int w = 0; w < Workers; w++)
        {
            int seed = Seed + seedOffset + w;
            workers[w] = Task.Run(() => FuzzWorkerAsync(seed, seeds, broker, nameServer, stats, until, cancellationToken), cancellationToken);
        }
        return Task.WhenAll(workers);
    }

    private static async Task FuzzWorkerAsync(int seed, List<RemotingCommand> seeds, IPEndPoint broker, IPEndPoint nameServer, FuzzStats stats, long until,
        CancellationToken cancellationToken)
    {
        var fuzzer = new FrameFuzzer(seed, seeds);
        while (stats.Frames < until && !cancellationToken.IsCancellationRequested)
        {
            // The broker gets most of the traffic; the NameServer a third of it.
            IPEndPoint target = fuzzer.Random.Next(3) == 0 ? nameServer : broker;
            await FuzzConnection.PipelinedAsync(target, fuzzer, PipelinedBatch, stats, cancellationToken);
            for (int i = 0; i < KillersPerPipelined; i++)
            {
                target = fuzzer.Random.Next(3) == 0 ? nameServer : broker;
                await FuzzConnection.KillerAsync(target, fuzzer, fuzzer.NextKillerKind(), stats, cancellationToken);
            }
        }
    }

    private static async Task<int> WellBehavedLoopAsync(BrokerTestClient client, List<(int QueueId, long Offset, string Body)> acknowledged, CancellationToken stop)
    {
        int n = 0;
        // Paced (a send and a read-back every few milliseconds), so the fuzz gets the CPU.
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (await Tick(pace, stop))
        {
            string body = "good-" + n.ToString(CultureInfo.InvariantCulture);
            int queueId = n % 4;
            using RemotingCommand response = await client.SendAsync(GoodTopic, Encoding.UTF8.GetBytes(body), queueId: queueId);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
            long offset = long.Parse(response.ExtFields["queueOffset"]!, CultureInfo.InvariantCulture);
            acknowledged.Add((queueId, offset, body));
            n++;
            using RemotingCommand pull = await client.PullAsync("WellBehavedGroup", GoodTopic, queueId, offset, maxMsgNums: 1);
            if (pull.Code == ResponseCode.Success)
            {
                Assert.That(Encoding.UTF8.GetString(BrokerTestClient.DecodeAll(pull.Body.Span)[0].Body), Is.EqualTo(body));
            }
            else
            {
                // Dispatch to the consume queue may lag the acknowledgement by a moment; read back at the end.
                Assert.That(pull.Code, Is.AnyOf(ResponseCode.PullNotFound, ResponseCode.PullRetryImmediately, ResponseCode.PullOffsetMoved), pull.Remark);
            }
        }
        return n;
    }

    private static async Task<int> RouteLoopAsync(RemotingClient client, string nameServer, CancellationToken stop)
    {
        int n = 0;
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (await Tick(pace, stop))
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic);
            request.ExtFields.Add("topic", GoodTopic);
            using RemotingCommand response = await client.InvokeAsync(nameServer, request);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
            TopicRouteData route = TopicRouteData.Decode(response.Body.Span);
            Assert.That(route.QueueDatas, Has.Count.EqualTo(1));
            n++;
        }
        return n;
    }

    private static async Task<bool> Tick(PeriodicTimer pace, CancellationToken stop)
    {
        try
        {
            return await pace.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static int ServerConnections(MqClusterBroker broker, NameServers.NameServer nameServer) =>
        broker.Node!.Server.Connections.Count + nameServer.Server.Connections.Count;

    private static async Task WaitForConnectionsAsync(MqClusterBroker broker, NameServers.NameServer nameServer, int atMost, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (ServerConnections(broker, nameServer) > atMost)
        {
            Assert.That(deadline.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "fuzz connections still open on the server side");
            await Task.Delay(20, cancellationToken);
        }
    }
}
