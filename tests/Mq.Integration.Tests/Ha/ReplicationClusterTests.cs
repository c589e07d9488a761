using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.TestKit.Brokers;
using Mq.Testing;
using static Mq.Tests.Ha.HaClusterKit;

namespace Mq.Tests.Ha;

/// <summary>Master/slave replication between real brokers over TCP (issue 8).</summary>
[Category("Integration")]
[CancelAfter(180_000)]
public sealed class ReplicationClusterTests
{
    [Test]
    public async Task Slave_holds_the_masters_exact_commit_log_across_segment_rollover_and_serves_reads()
    {
        await using MqCluster cluster = await StartAsync();
        Broker master = cluster.Broker("broker-a").Node!;
        Broker slave = cluster.Slave("broker-a").Node!;
        Assert.That(slave.HaClient!.MasterAddress, Is.EqualTo(master.HaServerAddress), "learnt from REGISTER_BROKER");

        await using var client = new BrokerTestClient(master.Address);
        await SendAsync(client, "HaTopic", 1200, seed: 1);
        Assert.That(master.Store.CommitLogMaxOffset, Is.GreaterThan(2L * 256 * 1024), "the log spans several segments");
        await WaitCaughtUp(master, slave);
        Assert.That(slave.Store.CommitLogMinOffset, Is.EqualTo(master.Store.CommitLogMinOffset));
        Assert.That(CommitLogBytes(slave.Store), Is.EqualTo(CommitLogBytes(master.Store)));
        Assert.That(slave.HaClient.OffsetMismatches, Is.Zero);

        // Routes carry both addresses of the group.
        await WaitUntil(() => cluster.NameServers[0].Routes.FindRoute("HaTopic") is { } route
            && route.BrokerDatas.Exists(b => b.BrokerName == "broker-a" && b.BrokerAddrs.ContainsKey(0) && b.BrokerAddrs.ContainsKey(1)),
            "the route lists master and slave");

        // The slave refuses writes as RocketMQ does, and serves reads once it copied the topic.
        await using var slaveClient = new BrokerTestClient(slave.Address);
        using (RemotingCommand refused = await slaveClient.SendAsync("HaTopic", [1, 2, 3]))
        {
            Assert.That(refused.Code, Is.EqualTo(ResponseCode.ServiceNotAvailable));
        }
        await WaitUntil(() => slave.Topics.Find("HaTopic") is not null, "the slave copied the topic config");
        await slave.Store.WaitForDispatchAsync(slave.Store.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        using RemotingCommand fromMaster = await client.PullAsync("CG_HA", "HaTopic", 1, 10, maxMsgNums: 16);
        using RemotingCommand fromSlave = await slaveClient.PullAsync("CG_HA", "HaTopic", 1, 10, maxMsgNums: 16);
        Assert.That(fromSlave.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(fromSlave.Body.ToArray(), Is.EqualTo(fromMaster.Body.ToArray()));
    }

    [Test]
    public async Task Master_suggests_the_slave_for_data_out_of_memory_and_the_push_consumer_follows()
    {
        // 40 % of a 100 kB "machine": data more than 40 kB behind the head counts as out of memory.
        await using MqCluster cluster = await StartAsync(configure: b =>
        {
            b.SlaveReadEnable = true;
            b.TotalPhysicalMemoryBytes = 100_000;
        });
        Broker master = cluster.Broker("broker-a").Node!;
        Broker slave = cluster.Slave("broker-a").Node!;
        await using var client = new BrokerTestClient(master.Address);
        await SendAsync(client, "ReadSlave", 400, seed: 5);
        await WaitCaughtUp(master, slave);
        await WaitUntil(() => slave.Topics.Find("ReadSlave") is not null, "the slave copied the topic");
        await master.Store.WaitForDispatchAsync(master.Store.CommitLogMaxOffset).AsTask().WaitAsync(Generous);

        using (RemotingCommand old = await client.PullAsync("CG_SLOW", "ReadSlave", 0, 0, maxMsgNums: 1))
        {
            Assert.That(old.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(old.ExtFields.GetString("suggestWhichBrokerId"u8), Is.EqualTo("1"), "old data: read from the slave");
        }
        long last = master.Store.GetMaxOffsetInQueue("ReadSlave", 3) - 1;
        using (RemotingCommand recent = await client.PullAsync("CG_SLOW", "ReadSlave", 3, last, maxMsgNums: 1))
        {
            Assert.That(recent.ExtFields.GetString("suggestWhichBrokerId"u8), Is.EqualTo("0"), "recent data: stay on the master");
        }

        long slaveReadsBefore = Interlocked.Read(ref slave.Stats.GetMessages);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, byte>();
        await using var consumer = new Mq.Client.PushConsumer(new Mq.Client.ConsumerOptions
        {
            NameServerAddresses = [cluster.NameServerAddress],
            ConsumerGroup = "CG_FOLLOW",
            Subscriptions = { ["ReadSlave"] = "*" },
            ConsumeFromWhere = Mq.Client.ConsumeStartPoint.FirstOffset,
            RebalanceInterval = TimeSpan.FromSeconds(1),
            PullBatchSize = 8,
        }, (message, _, _) =>
        {
            seen.TryAdd(message.MessageId, 0);
            return ValueTask.FromResult(Mq.Client.ConsumeResult.Success);
        });
        await consumer.StartAsync();
        await WaitUntil(() => seen.Count == 400, "every message was consumed");
        Assert.That(Interlocked.Read(ref slave.Stats.GetMessages), Is.GreaterThan(slaveReadsBefore), "the consumer followed the suggestion to the slave");
    }

    [Test]
    public async Task Slave_copies_topics_offsets_groups_and_delay_progress_from_its_master()
    {
        await using MqCluster cluster = await StartAsync();
        Broker master = cluster.Broker("broker-a").Node!;
        Broker slave = cluster.Slave("broker-a").Node!;
        await cluster.CreateTopicAsync("Copied", queues: 3);
        await using var client = new BrokerTestClient(master.Address);
        using (RemotingCommand response = await client.InvokeAsync(RequestCode.UpdateConsumerOffset,
            new UpdateConsumerOffsetRequestHeader { ConsumerGroup = "CG_COPY", Topic = "Copied", QueueId = 2, CommitOffset = 42 }))
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        }
        master.Groups.FindOrCreate("CG_COPY");

        await WaitUntil(() => slave.Topics.Find("Copied") is { ReadQueueNums: 3 }, "the topic reached the slave");
        await WaitUntil(() => slave.Offsets.Query("CG_COPY", "Copied", 2) == 42, "the offset reached the slave");
        await WaitUntil(() => slave.Groups.Find("CG_COPY") is not null, "the group reached the slave");
        Assert.That(slave.Topics.DataVersion, Is.EqualTo(master.Topics.DataVersion));
        Assert.That(slave.Schedule.Snapshot().OffsetTable, Is.EqualTo(master.Schedule.Snapshot().OffsetTable));
        Assert.That(File.Exists(Path.Combine(slave.Options.StorePathRootDir, "config", "topics.json")), Is.True, "persisted on the slave");
    }

    [Test]
    public async Task Sync_master_answers_after_the_slave_has_the_message_and_reports_timeout_or_absence()
    {
        await using MqCluster cluster = await StartAsync(masterRole: BrokerRole.SyncMaster, configure: b => b.SyncFlushTimeout = TimeSpan.FromSeconds(1));
        Broker master = cluster.Broker("broker-a").Node!;
        Broker slave = cluster.Slave("broker-a").Node!;
        await WaitUntil(() => master.HaRuntimeInfo!.Value.ConnectedSlaves == 1, "the slave connected");
        await using var client = new BrokerTestClient(master.Address);
        for (int i = 0; i < 30; i++)
        {
            using RemotingCommand sent = await client.SendAsync("SyncTopic", [(byte)i, 1, 2]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(slave.Store.CommitLogMaxOffset, Is.EqualTo(master.Store.CommitLogMaxOffset), "replicated before the answer");
        }

        await cluster.StopSlaveAsync("broker-a");
        await WaitUntil(() => master.HaRuntimeInfo!.Value.ConnectedSlaves == 0, "the master noticed the slave left");
        using (RemotingCommand alone = await client.SendAsync("SyncTopic", [9]))
        {
            Assert.That(alone.Code, Is.EqualTo(ResponseCode.SlaveNotAvailable));
            Assert.That(alone.ExtFields.GetString("msgId"u8), Is.Not.Null, "stored: the answer still carries the message id");
        }
        using (RemotingCommand noWait = await client.SendAsync("SyncTopic", [11], BrokerTestClient.Properties(("WAIT", "false"))))
        {
            Assert.That(noWait.Code, Is.EqualTo(ResponseCode.Success), "WAIT=false: not waited for a slave, as RocketMQ");
        }

        // A slave that connects but never acknowledges: the send times out after syncFlushTimeout.
        int haPort = int.Parse(master.HaServerAddress[(master.HaServerAddress.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        using var silent = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await silent.ConnectAsync(new IPEndPoint(IPAddress.Loopback, haPort));
        var report = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(report, master.Store.CommitLogMaxOffset);
        await silent.SendAsync(report);
        await WaitUntil(() => master.HaRuntimeInfo!.Value.ConnectedSlaves == 1, "the silent slave connected");
        using (RemotingCommand late = await client.SendAsync("SyncTopic", [10]))
        {
            Assert.That(late.Code, Is.EqualTo(ResponseCode.FlushSlaveTimeout));
        }
    }

    [Test]
    public async Task Sync_master_with_sync_flush_answers_only_when_flushed_and_replicated()
    {
        await using MqCluster cluster = await StartAsync(masterRole: BrokerRole.SyncMaster, configure: b => b.FlushDiskType = FlushDiskType.SyncFlush);
        Broker master = cluster.Broker("broker-a").Node!;
        Broker slave = cluster.Slave("broker-a").Node!;
        await WaitUntil(() => master.HaRuntimeInfo!.Value.ConnectedSlaves == 1, "the slave connected");
        await using var client = new BrokerTestClient(master.Address);
        for (int i = 0; i < 20; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Durable", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(master.Store.CommitLogFlushedOffset, Is.EqualTo(master.Store.CommitLogMaxOffset), "flushed before the answer");
            Assert.That(slave.Store.CommitLogMaxOffset, Is.EqualTo(master.Store.CommitLogMaxOffset), "replicated before the answer");
        }
    }

    [Test]
    public async Task Slave_restarted_mid_stream_catches_up()
    {
        await using MqCluster cluster = await StartAsync();
        Broker master = cluster.Broker("broker-a").Node!;
        await using var client = new BrokerTestClient(master.Address);
        await SendAsync(client, "HaTopic", 300, seed: 2);
        await WaitCaughtUp(master, cluster.Slave("broker-a").Node!);

        await cluster.StopSlaveAsync("broker-a");
        await SendAsync(client, "HaTopic", 500, seed: 3);
        await cluster.RestartSlaveAsync("broker-a");
        Broker slave = cluster.Slave("broker-a").Node!;
        await WaitCaughtUp(master, slave);
        Assert.That(CommitLogBytes(slave.Store), Is.EqualTo(CommitLogBytes(master.Store)));
        await slave.Store.WaitForDispatchAsync(slave.Store.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        await master.Store.WaitForDispatchAsync(master.Store.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        for (int queue = 0; queue < 4; queue++)
        {
            Assert.That(slave.Store.GetMaxOffsetInQueue("HaTopic", queue), Is.EqualTo(master.Store.GetMaxOffsetInQueue("HaTopic", queue)));
        }
    }

    [Test]
    public async Task Empty_slave_catches_up_from_offset_zero()
    {
        await using MqCluster cluster = await StartAsync();
        Broker master = cluster.Broker("broker-a").Node!;
        await cluster.StopSlaveAsync("broker-a");
        await using var client = new BrokerTestClient(master.Address);
        await SendAsync(client, "HaTopic", 800, seed: 4);

        await cluster.RestartSlaveAsync("broker-a");
        Broker slave = cluster.Slave("broker-a").Node!;
        await WaitCaughtUp(master, slave);
        Assert.That(slave.Store.CommitLogMinOffset, Is.Zero);
        Assert.That(CommitLogBytes(slave.Store), Is.EqualTo(CommitLogBytes(master.Store)));
    }
}
