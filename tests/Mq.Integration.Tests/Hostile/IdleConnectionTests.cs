using System.Net;
using System.Net.Sockets;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Tests.Fuzz;
using Mq.Tests.Load;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Hostile;

/// <summary>
/// Issue 9, bad input: thousands of idle connections cost bounded memory and do not stop the broker
/// serving; idle connections are closed after the channel idle time (4.9: serverChannelMaxIdleTimeSeconds,
/// 120 s; lowered here), while connections with traffic stay.
/// </summary>
[TestFixture]
[Category("Hostile")]
[NonParallelizable]
public sealed class IdleConnectionTests
{
    /// <summary>Heap allowed per idle connection (both ends live in this process; the server's side holds a 4 KiB receive segment).</summary>
    private const long BytesPerConnection = 32 * 1024;

    [Test]
    [CancelAfter(300_000)]
    public async Task Two_thousand_idle_connections_cost_bounded_memory_and_the_broker_keeps_serving(CancellationToken cancellationToken)
    {
        const int connections = 2000;
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        using (RemotingCommand warm = await client.SendAsync("Idle", "warm"u8.ToArray()))
        {
            Assert.That(warm.Code, Is.EqualTo(ResponseCode.Success), warm.Remark);
        }
        int baseline = broker.Server.Connections.Count;
        CrashWatch.FlushFinalizers();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var sockets = new List<Socket>(connections);
        try
        {
            var endPoint = IPEndPoint.Parse(broker.Address);
            for (int i = 0; i < connections; i += 100)
            {
                var batch = new Task[100];
                for (int j = 0; j < batch.Length; j++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(socket);
                    batch[j] = socket.ConnectAsync(endPoint, cancellationToken).AsTask();
                }
                await Task.WhenAll(batch);
            }
            await SlowConsumerTests.WaitUntilAsync(() => broker.Server.Connections.Count >= baseline + connections, cancellationToken,
                () => broker.Server.Connections.Count + " server connections");
            CrashWatch.FlushFinalizers();
            long heapHeld = GC.GetTotalMemory(forceFullCollection: true);
            TestContext.Out.WriteLine($"{connections} idle connections: heap {heapBefore / 1024 / 1024} -> {heapHeld / 1024 / 1024} MiB ({(heapHeld - heapBefore) / connections} bytes each)");
            Assert.That(heapHeld - heapBefore, Is.LessThan(connections * BytesPerConnection));

            // The broker serves as usual with them all open.
            for (int i = 0; i < 20; i++)
            {
                using RemotingCommand sent = await client.SendAsync("Idle", "busy"u8.ToArray());
                Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
            }
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
        await SlowConsumerTests.WaitUntilAsync(() => broker.Server.Connections.Count <= baseline, cancellationToken,
            () => broker.Server.Connections.Count + " server connections");
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task Idle_connections_are_closed_after_the_channel_idle_time_and_busy_ones_stay(CancellationToken cancellationToken)
    {
        using var directory = new TempDirectory();
        TimeSpan idle = TimeSpan.FromSeconds(2);
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.Transport.ChannelMaxIdleTime = idle);
        await using var busy = new BrokerTestClient(broker.Address, "127.0.0.1@busy");
        using (RemotingCommand first = await busy.SendAsync("Idle", "first"u8.ToArray()))
        {
            Assert.That(first.Code, Is.EqualTo(ResponseCode.Success), first.Remark);
        }
        Mq.Transport.RemotingConnection busyConnection = broker.Server.Connections.Single();
        var sockets = new List<Socket>();
        using var stop = new CancellationTokenSource();
        Task<int> busyLoop = Task.FromResult(0);
        try
        {
            for (int i = 0; i < 200; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sockets.Add(socket);
                await socket.ConnectAsync(IPEndPoint.Parse(broker.Address), cancellationToken);
            }
            // The busy client talks several times per idle period; the silent ones must be closed meanwhile,
            // and the busy one must outlive a few idle periods.
            busyLoop = BusyAsync(busy, idle / 8, stop.Token);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await SlowConsumerTests.WaitUntilAsync(() => broker.Server.Connections.Count == 1 && clock.Elapsed > 3 * idle, cancellationToken,
                () => broker.Server.Connections.Count + " server connections");
            Assert.That(broker.Server.Connections.Single(), Is.SameAs(busyConnection), "the busy client's connection is the one left");
            await stop.CancelAsync();
            Assert.That(await busyLoop, Is.GreaterThan(8));
            byte[] one = new byte[1];
            foreach (Socket socket in sockets)
            {
                // The broker closed its side: reading ends (0 bytes or a reset), it never blocks.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                int read;
                try
                {
                    read = await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token);
                }
                catch (SocketException)
                {
                    read = 0;
                }
                Assert.That(read, Is.Zero);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await busyLoop;
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static async Task<int> BusyAsync(BrokerTestClient client, TimeSpan interval, CancellationToken stop)
    {
        int sends = 0;
        using var pace = new PeriodicTimer(interval);
        try
        {
            while (await pace.WaitForNextTickAsync(stop))
            {
                using RemotingCommand sent = await client.SendAsync("Idle", "tick"u8.ToArray());
                Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
                sends++;
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }
        return sends;
    }

    [Test]
    public void The_idle_time_is_validated_and_zero_disables_it()
    {
        var options = new Mq.Transport.TransportOptions { ChannelMaxIdleTime = TimeSpan.Zero };
        Assert.DoesNotThrow(options.Validate);
        Assert.That(new Mq.Transport.TransportOptions().ChannelMaxIdleTime, Is.EqualTo(TimeSpan.FromSeconds(120)));
        options.ChannelMaxIdleTime = TimeSpan.FromSeconds(-1);
        Assert.That(options.Validate, Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("ChannelMaxIdleTime"));
    }
}
