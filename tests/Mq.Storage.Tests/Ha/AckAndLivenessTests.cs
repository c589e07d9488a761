using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Mq.Storage;
using Mq.Storage.Ha;
using static Mq.Tests.Ha.HaTestKit;

namespace Mq.Tests.Ha;

[CancelAfter(120_000)]
public sealed class AckAndLivenessTests
{
    [Test]
    public async Task Wait_completes_once_a_slave_reports_past_the_offset()
    {
        await using var masterHarness = Master();
        await using var slaveHarness = Slave();
        var master = await masterHarness.OpenAsync();
        var slave = await slaveHarness.OpenAsync();
        await using var server = new HaServer(master, Options());
        server.Start();
        await using var client = new HaClient(slave, Options());
        client.Start();
        client.UpdateMasterAddress(Address(server));
        await WaitUntil(() => server.RuntimeInfo.ConnectedSlaves == 1, "the slave connected");

        for (int i = 0; i < 20; i++)
        {
            var result = master.Append(StoreHarness.Message("HaTopic", 0, "sync-" + i));
            var status = await server.AckTracker.WaitForSlaveAsync(result.EndOffset, Generous);
            Assert.That(status, Is.EqualTo(PutMessageStatus.PutOk));
            Assert.That(slave.CommitLogMaxOffset, Is.GreaterThanOrEqualTo(result.EndOffset));
        }
        Assert.That(server.RuntimeInfo.SlaveLagBytes, Is.Zero);
    }

    [Test]
    public async Task Wait_answers_slave_not_available_without_a_slave_and_times_out_with_a_silent_one()
    {
        await using var masterHarness = Master();
        var master = await masterHarness.OpenAsync();
        await using var server = new HaServer(master, Options());
        server.Start();
        var result = master.Append(StoreHarness.Message("HaTopic", 0, "x"));
        Assert.That(await server.AckTracker.WaitForSlaveAsync(result.EndOffset), Is.EqualTo(PutMessageStatus.SlaveNotAvailable));

        using var fake = await ConnectRaw(server.LocalEndPoint);
        await SendReport(fake, 0);
        await WaitUntil(() => server.RuntimeInfo.ConnectedSlaves == 1, "the fake slave connected");
        var status = await server.AckTracker.WaitForSlaveAsync(result.EndOffset, TimeSpan.FromMilliseconds(100));
        Assert.That(status, Is.EqualTo(PutMessageStatus.FlushSlaveTimeout));

        // The same (pooled) waiter path then sees a report and acknowledges.
        var pending = server.AckTracker.WaitForSlaveAsync(result.EndOffset, Generous);
        await SendReport(fake, result.EndOffset);
        Assert.That(await pending, Is.EqualTo(PutMessageStatus.PutOk));

        using var cts = new CancellationTokenSource();
        var cancelled = server.AckTracker.WaitForSlaveAsync(result.EndOffset + 1, Generous, cts.Token);
        await cts.CancelAsync();
        Assert.ThrowsAsync<OperationCanceledException>(async () => await cancelled);
    }

    [Test]
    public async Task Pooled_waiters_never_miss_or_borrow_a_completion_when_timeouts_race_reports()
    {
        using var tracker = new ReplicationAckTracker(Options());
        tracker.SlaveConnected();
        var random = new Random(42);
        long reported = 0;
        int acked = 0;
        int timedOut = 0;
        for (int round = 0; round < 400; round++)
        {
            // Several waits on the same few pooled waiters, some just past the next report, some beyond
            // it; reports race the 1-2 ms timeouts from another thread.
            var waits = new ValueTask<PutMessageStatus>[4];
            var targets = new long[4];
            for (int i = 0; i < waits.Length; i++)
            {
                targets[i] = reported + 1 + random.Next(0, 3);
                waits[i] = tracker.WaitForSlaveAsync(targets[i], TimeSpan.FromMilliseconds(1 + random.Next(0, 2)));
            }
            long next = reported + 1 + random.Next(0, 2);
            var report = Task.Run(() => tracker.Report(next));
            for (int i = 0; i < waits.Length; i++)
            {
                var status = await waits[i].AsTask().WaitAsync(Generous);
                if (status == PutMessageStatus.PutOk)
                {
                    Assert.That(tracker.Push2SlaveMaxOffset, Is.GreaterThanOrEqualTo(targets[i]), "acknowledged before a slave reached it");
                    acked++;
                }
                else
                {
                    Assert.That(status, Is.EqualTo(PutMessageStatus.FlushSlaveTimeout));
                    timedOut++;
                }
            }
            await report.WaitAsync(Generous);
            reported = next;
        }
        Assert.Multiple(() =>
        {
            Assert.That(tracker.PendingCount, Is.Zero);
            Assert.That(acked, Is.GreaterThan(0));
            Assert.That(timedOut, Is.GreaterThan(0));
        });
    }

    [Test]
    public void Tracker_refuses_a_slave_lagging_beyond_fallbehind_max()
    {
        using var tracker = new ReplicationAckTracker(Options(o => o.SlaveFallbehindMax = 1000));
        tracker.SlaveConnected();
        tracker.Report(500);
        Assert.Multiple(() =>
        {
            Assert.That(tracker.IsSlaveAvailable(1400), Is.True);
            Assert.That(tracker.IsSlaveAvailable(1500), Is.False);
            Assert.That(tracker.WaitForSlaveAsync(400).Result, Is.EqualTo(PutMessageStatus.PutOk));
            Assert.That(tracker.WaitForSlaveAsync(5000).Result, Is.EqualTo(PutMessageStatus.SlaveNotAvailable));
        });
    }

    [Test]
    public async Task Master_sends_heartbeats_when_idle_and_drops_a_silent_slave()
    {
        await using var masterHarness = Master();
        var master = await masterHarness.OpenAsync();
        await using var server = new HaServer(master, Options(o =>
        {
            o.SendHeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.HousekeepingInterval = TimeSpan.FromMilliseconds(500);
        }));
        server.Start();
        using var fake = await ConnectRaw(server.LocalEndPoint);
        await SendReport(fake, 0);

        var header = await ReceiveExactly(fake, 12);
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(header), Is.Zero);
        Assert.That(BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8)), Is.Zero, "an empty log yields heartbeat frames only");

        // The fake slave never reports again: the master closes the connection (reads then end).
        var sink = new byte[4096];
        while (await fake.ReceiveAsync(sink.AsMemory()).AsTask().WaitAsync(Generous) > 0)
        {
        }
        await WaitUntil(() => server.RuntimeInfo.ConnectedSlaves == 0, "the master dropped the silent slave");
    }

    [Test]
    public async Task Slave_reports_periodically_refuses_a_misplaced_frame_and_reconnects()
    {
        await using var slaveHarness = Slave();
        var slave = await slaveHarness.OpenAsync();
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        await using var client = new HaClient(slave, Options(o =>
        {
            o.SendHeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.HousekeepingInterval = TimeSpan.FromSeconds(10);
        }));
        client.Start();
        client.UpdateMasterAddress($"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");

        using var second = await listener.AcceptAsync().WaitAsync(Generous);
        for (int i = 0; i < 3; i++)
        {
            // The report at connect, then periodic ones: nothing arrives, so the offset stays 0.
            Assert.That(BinaryPrimitives.ReadInt64BigEndian(await ReceiveExactly(second, 8)), Is.Zero);
        }
        // The first frame of data is fine (empty slave); the next one skips ahead and must be refused.
        var master = new MasterFrames();
        await second.SendAsync(master.Frame(0, 100));
        await WaitUntil(() => slave.CommitLogMaxOffset == 100, "the first frame was applied");
        await second.SendAsync(master.Frame(150, 50));
        await WaitUntil(() => client.OffsetMismatches == 1, "the misplaced frame was refused");
        Assert.That(slave.CommitLogMaxOffset, Is.EqualTo(100));
        using var third = await listener.AcceptAsync().WaitAsync(Generous);
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(await ReceiveExactly(third, 8)), Is.EqualTo(100), "reconnects from its real max offset");
    }

    [Test]
    public async Task Slave_applies_contiguous_frames_of_one_receive_as_a_run_and_stops_at_a_gap()
    {
        await using var slaveHarness = Slave();
        var slave = await slaveHarness.OpenAsync();
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        await using var client = new HaClient(slave, Options());
        client.Start();
        client.UpdateMasterAddress($"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");
        using var master = await listener.AcceptAsync().WaitAsync(Generous);
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(await ReceiveExactly(master, 8)), Is.Zero);

        var frames = new MasterFrames();
        byte[] Joined(params byte[][] parts) => [.. parts.SelectMany(p => p)];
        var first = frames.Frame(0, 100);
        first.AsSpan(12).Fill(1);
        var second = frames.Frame(100, 50);
        second.AsSpan(12).Fill(2);
        var heartbeat = frames.Frame(150, 0);
        var third = frames.Frame(150, 30);
        third.AsSpan(12).Fill(3);
        await master.SendAsync(Joined(first, second, heartbeat, third));
        await WaitUntil(() => slave.CommitLogMaxOffset == 180, "the three frames were applied");
        var bytes = CommitLogBytes(slave);
        Assert.That(bytes[..100], Is.All.EqualTo(1));
        Assert.That(bytes[100..150], Is.All.EqualTo(2));
        Assert.That(bytes[150..180], Is.All.EqualTo(3));

        // A gap inside one receive: the contiguous part is kept, the misplaced frame refused.
        await master.SendAsync(Joined(frames.Frame(180, 10), frames.Frame(300, 10)));
        await WaitUntil(() => client.OffsetMismatches == 1, "the misplaced frame was refused");
        Assert.That(slave.CommitLogMaxOffset, Is.EqualTo(190));
    }

    [Test]
    public async Task Slave_drops_a_silent_master_and_reconnects()
    {
        await using var slaveHarness = Slave();
        var slave = await slaveHarness.OpenAsync();
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        await using var client = new HaClient(slave, Options(o =>
        {
            o.SendHeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.HousekeepingInterval = TimeSpan.FromMilliseconds(300);
        }));
        client.Start();
        client.UpdateMasterAddress($"127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}");
        using var first = await listener.AcceptAsync().WaitAsync(Generous);
        using var second = await listener.AcceptAsync().WaitAsync(Generous);
        Assert.That(BinaryPrimitives.ReadInt64BigEndian(await ReceiveExactly(second, 8)), Is.Zero);
    }

    [Test]
    public void Options_are_validated()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => new HaOptions { TransferBatchSize = 10 }.Validate());
            Assert.Throws<ArgumentException>(() => new HaOptions { ListenPort = 70000 }.Validate());
            Assert.Throws<ArgumentException>(() => new HaOptions { ListenAddress = "nope" }.Validate());
            Assert.Throws<ArgumentException>(() => new HaOptions { HousekeepingInterval = TimeSpan.FromSeconds(1) }.Validate());
            Assert.Throws<ArgumentException>(() => new HaOptions { SyncSlaveTimeout = TimeSpan.Zero }.Validate());
            Assert.DoesNotThrow(() => new HaOptions().Validate());
        });
    }

    /// <summary>Frames of filler bytes at chosen offsets (the slave store takes raw bytes verbatim).</summary>
    private sealed class MasterFrames
    {
        public byte[] Frame(long offset, int size)
        {
            var frame = new byte[12 + size];
            BinaryPrimitives.WriteInt64BigEndian(frame, offset);
            BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(8), size);
            return frame;
        }
    }
}

public sealed class OffsetNotifierTests
{
    [Test]
    public async Task A_cancelled_wait_leaves_no_waiter_behind()
    {
        var notifier = new Mq.Storage.Threading.OffsetNotifier();
        for (int i = 0; i < 10; i++)
        {
            using var cts = new CancellationTokenSource();
            var wait = notifier.WaitAsync(100, static () => 0, cts.Token);
            await cts.CancelAsync();
            Assert.ThrowsAsync<TaskCanceledException>(async () => await wait);
        }
        Assert.That(notifier.WaiterCount, Is.Zero);
        var done = notifier.WaitAsync(5, static () => 0, CancellationToken.None);
        notifier.Notify(5);
        await done;
        Assert.That(notifier.WaiterCount, Is.Zero);
    }
}
