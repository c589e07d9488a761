using Mq.Storage;
using Mq.Storage.Ha;
using static Mq.Tests.Ha.HaTestKit;

namespace Mq.Tests.Ha;

[CancelAfter(120_000)]
public sealed class ReplicationTests
{
    [Test]
    public async Task Empty_slave_catches_up_from_zero_and_follows_live_appends_across_rollover()
    {
        await using var masterHarness = Master();
        await using var slaveHarness = Slave();
        var master = await masterHarness.OpenAsync();
        var slave = await slaveHarness.OpenAsync();
        Write(master, 300, seed: 1);
        Assert.That(master.CommitLogMaxOffset, Is.GreaterThan(2 * 64 * 1024), "the log spans several segments");

        await using var server = new HaServer(master, Options());
        server.Start();
        await using var client = new HaClient(slave, Options());
        client.Start();
        client.UpdateMasterAddress(Address(server));

        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "the slave caught up");
        Write(master, 300, seed: 2);
        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "the slave followed live appends");
        await AssertReplicated(master, slave);
        await WaitUntil(() => server.AckTracker.Push2SlaveMaxOffset == master.CommitLogMaxOffset, "the slave reported its offset");
        Assert.That(server.RuntimeInfo.ConnectedSlaves, Is.EqualTo(1));
        Assert.That(client.OffsetMismatches, Is.Zero);
    }

    [Test]
    public async Task Slave_restarted_mid_stream_catches_up_from_its_own_max_offset()
    {
        await using var masterHarness = Master();
        await using var slaveHarness = Slave();
        var master = await masterHarness.OpenAsync();
        var slave = await slaveHarness.OpenAsync();
        await using var server = new HaServer(master, Options());
        server.Start();
        Write(master, 150, seed: 3);

        var client = new HaClient(slave, Options());
        client.Start();
        client.UpdateMasterAddress(Address(server));
        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "first catch-up");
        await client.DisposeAsync();
        long before = slave.CommitLogMaxOffset;

        Write(master, 250, seed: 4);
        slave = await slaveHarness.ReopenAsync(crash: true);
        Assert.That(slave.CommitLogMaxOffset, Is.EqualTo(before));
        await using var again = new HaClient(slave, Options());
        again.Start();
        again.UpdateMasterAddress(Address(server));
        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "catch-up after restart");
        await AssertReplicated(master, slave);
        Assert.That(again.OffsetMismatches, Is.Zero);
    }

    [Test]
    public async Task Master_stopped_abruptly_and_restarted_slave_reconnects_and_catches_up()
    {
        await using var masterHarness = Master();
        await using var slaveHarness = Slave();
        var master = await masterHarness.OpenAsync();
        var slave = await slaveHarness.OpenAsync();
        var server = new HaServer(master, Options());
        server.Start();
        await using var client = new HaClient(slave, Options());
        client.Start();
        client.UpdateMasterAddress(Address(server));
        Write(master, 200, seed: 5);
        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "first catch-up");

        await server.DisposeAsync();
        master = await masterHarness.ReopenAsync(crash: true);
        await WaitUntil(() => !client.IsConnected, "the slave noticed the master is gone");
        Write(master, 200, seed: 6);
        await using var restarted = new HaServer(master, Options());
        restarted.Start();
        client.UpdateMasterAddress(Address(restarted));
        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "catch-up after the master restart");
        await AssertReplicated(master, slave);
    }

    [Test]
    public async Task Slave_ahead_of_a_shorter_master_is_refused_and_never_written()
    {
        await using var masterHarness = Master();
        await using var shortHarness = Master();
        await using var slaveHarness = Slave();
        var master = await masterHarness.OpenAsync();
        var shorter = await shortHarness.OpenAsync();
        var slave = await slaveHarness.OpenAsync();
        Write(master, 200, seed: 7);
        Write(shorter, 20, seed: 8);
        await using var server = new HaServer(master, Options());
        server.Start();
        await using var shortServer = new HaServer(shorter, Options());
        shortServer.Start();
        await using var client = new HaClient(slave, Options());
        client.Start();
        client.UpdateMasterAddress(Address(server));
        await WaitUntil(() => slave.CommitLogMaxOffset == master.CommitLogMaxOffset, "catch-up");
        var before = CommitLogBytes(slave);

        client.UpdateMasterAddress(Address(shortServer));
        Write(shorter, 10, seed: 9);
        await WaitUntil(() => shortServer.RefusedSlaves >= 2, "the shorter master refused the slave (and again on reconnect)");
        Assert.That(CommitLogBytes(slave), Is.EqualTo(before));
    }

    [Test]
    public async Task Empty_slave_starts_at_the_masters_first_retained_segment()
    {
        await using var masterHarness = Master();
        await using var slaveHarness = Slave();
        var master = await masterHarness.OpenAsync();
        var slave = await slaveHarness.OpenAsync();
        Write(master, 300, seed: 10);
        long start = 64 * 1024;
        var tail = new byte[master.CommitLogMaxOffset - start];
        for (long at = start; at < master.CommitLogMaxOffset;)
        {
            at += master.ReadCommitted(at, tail.AsSpan((int)(at - start)));
        }

        slave.AppendReplicated(start, tail);
        Assert.That(slave.CommitLogMinOffset, Is.EqualTo(start));
        Assert.That(slave.CommitLogMaxOffset, Is.EqualTo(master.CommitLogMaxOffset));
        await slave.WaitForDispatchAsync(slave.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        // The master's own dispatcher may still be behind its appends: read its last entry only once its
        // consume queue is complete (otherwise "last" can be a record of the segment the slave never got).
        await master.WaitForDispatchAsync(master.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        long last = master.GetMaxOffsetInQueue("HaTopic", 0) - 1;
        Assert.That(last, Is.GreaterThanOrEqualTo(slave.GetMinOffsetInQueue("HaTopic", 0)));
        using var fromMaster = master.GetMessages("HaTopic", 0, last, 1, 1 << 20);
        using var fromSlave = slave.GetMessages("HaTopic", 0, last, 1, 1 << 20);
        Assert.That(fromSlave.MessageCount, Is.EqualTo(1));
        Assert.That(fromSlave.Messages[0].ToArray(), Is.EqualTo(fromMaster.Messages[0].ToArray()));
        Assert.Throws<InvalidOperationException>(() => slave.AppendReplicated(start, tail));
    }
}
