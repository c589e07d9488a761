using Mq.Brokers;
using Mq.Protocol;
using Mq.Storage;
using Mq.TestKit.Brokers;
using Mq.Testing;

namespace Mq.Tests.Ha;

/// <summary>Helpers for broker-level HA tests: clusters with slaves, byte comparison, condition waits.</summary>
internal static class HaClusterKit
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A cluster of <paramref name="groups"/> groups with one slave each: small commit-log segments (so tests
    /// roll over), 1 s metadata sync, short HA heartbeats.
    /// </summary>
    public static Task<MqCluster> StartAsync(int groups = 1, BrokerRole masterRole = BrokerRole.AsyncMaster, int slaves = 1,
        Action<BrokerOptions>? configure = null) =>
        MqCluster.StartAsync(o =>
        {
            o.BrokerGroups = groups;
            o.SlavesPerGroup = slaves;
            o.MasterRole = masterRole;
            o.ConfigureBroker = b =>
            {
                b.MappedFileSizeCommitLog = 256 * 1024;
                b.MaxMessageSize = 64 * 1024;
                b.SlaveSynchronizeInterval = TimeSpan.FromSeconds(1);
                b.HaSendHeartbeatInterval = TimeSpan.FromMilliseconds(200);
                b.HaHousekeepingInterval = TimeSpan.FromSeconds(5);
                configure?.Invoke(b);
            };
        });

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public static Task WaitCaughtUp(Broker master, Broker slave) =>
        WaitUntil(() => slave.Store.CommitLogMaxOffset == master.Store.CommitLogMaxOffset, "the slave caught up with the master");

    public static byte[] CommitLogBytes(MessageStore store)
    {
        long min = store.CommitLogMinOffset;
        long max = store.CommitLogMaxOffset;
        var bytes = new byte[max - min];
        for (long at = min; at < max;)
        {
            int n = store.ReadCommitted(at, bytes.AsSpan((int)(at - min)));
            Assert.That(n, Is.GreaterThan(0), $"no committed bytes at {at}");
            at += n;
        }
        return bytes;
    }

    /// <summary>Sends <paramref name="count"/> messages with seeded-random bodies over 4 queues; every answer must be <paramref name="expected"/>.</summary>
    public static async Task<List<long>> SendAsync(BrokerTestClient client, string topic, int count, int seed, int expected = ResponseCode.Success)
    {
        var random = new Random(seed);
        var offsets = new List<long>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] body = new byte[random.Next(100, 900)];
            random.NextBytes(body);
            using RemotingCommand response = await client.SendAsync(topic, body, BrokerTestClient.Properties(("KEYS", "k" + i)), queueId: i % 4);
            Assert.That(response.Code, Is.EqualTo(expected), response.Remark);
            if (response.Code == ResponseCode.Success)
            {
                offsets.Add(long.Parse(response.ExtFields.GetString("queueOffset"u8)!, System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return offsets;
    }
}
