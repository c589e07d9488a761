using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Mq.Brokers;
using Mq.Storage;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Crash;

/// <summary>
/// The standalone server's broker in a child process, killed with SIGKILL at seeded moments while four producers
/// send and a consumer pulls and commits offsets; the same store folder is restarted every cycle. After each restart:
/// every acknowledged message is readable byte for byte at the queue and physical offsets its SEND_OK named, every
/// queue is contiguous and holds only messages that were sent, and the consumer resumes from an offset between the
/// persisted one and the one it committed. After the last kill the store is audited offline (commit log ↔ consume
/// queues both ways), then a clean stop must persist the consumer offsets exactly.
/// Cycles and seeds can be raised for a longer run: MQ_CRASH_CYCLES_SYNC, MQ_CRASH_CYCLES_ASYNC, MQ_CRASH_SEED.
/// </summary>
[TestFixture]
[Platform(Exclude = "Win")]
[Category("Crash")]
[NonParallelizable]
public sealed class BrokerCrashTests
{
    private const int SegmentSize = 1024 * 1024;
    private const int ConsumeQueueFileSize = 300 * 20;
    private const int Producers = 4;

    [Test]
    public Task SyncFlush_AcknowledgedMessagesSurviveSigkill() =>
        RunAsync("SYNC_FLUSH", Setting("MQ_CRASH_CYCLES_SYNC", 20), Setting("MQ_CRASH_SEED", 20261125));

    /// <summary>Killing only the process leaves the page cache: with async flush nothing acknowledged may be lost either.</summary>
    [Test]
    public Task AsyncFlush_AcknowledgedMessagesSurviveSigkill() =>
        RunAsync("ASYNC_FLUSH", Setting("MQ_CRASH_CYCLES_ASYNC", 10), Setting("MQ_CRASH_SEED", 20261125) + 1);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : fallback;

    private static string[] Conf(string flush) =>
    [
        "brokerClusterName=CrashCluster",
        "brokerId=0",
        "flushDiskType=" + flush,
        "mapedFileSizeCommitLog=" + SegmentSize.ToString(CultureInfo.InvariantCulture),
        "mapedFileSizeConsumeQueue=" + ConsumeQueueFileSize.ToString(CultureInfo.InvariantCulture),
        "maxMessageSize=65536",
        "maxHashSlotNum=1000",
        "maxIndexNum=4000",
        "autoCreateTopicEnable=true",
        "autoCreateSubscriptionGroup=true",
        "flushConsumerOffsetInterval=100",
    ];

    private static StoreOptions AuditOptions(string store, string flush) => new BrokerOptions
    {
        StorePathRootDir = store,
        MappedFileSizeCommitLog = SegmentSize,
        MappedFileSizeConsumeQueue = ConsumeQueueFileSize,
        MaxMessageSize = 65536,
        MaxHashSlotNum = 1000,
        MaxIndexNum = 4000,
        FlushDiskType = flush == "SYNC_FLUSH" ? FlushDiskType.SyncFlush : FlushDiskType.AsyncFlush,
    }.ToStoreOptions();

    private static async Task RunAsync(string flush, int cycles, int seed)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        using var root = new TempDirectory("mq-crash");
        string store = root.Combine("store");
        var random = new Random(seed);
        var workload = new CrashWorkload(seed);
        await using var broker = new ChildProcessBroker(store, "crash", Conf(flush));
        var clock = Stopwatch.StartNew();
        long[] persisted = new long[CrashWorkload.Queues];
        var kills = new List<int>();
        for (int cycle = 0; cycle < cycles; cycle++)
        {
            string address = await broker.StartAsync(deadline.Token);
            await using var client = new BrokerTestClient(address, "127.0.0.1@crash-" + cycle.ToString(CultureInfo.InvariantCulture));
            if (cycle > 0)
            {
                await workload.VerifyAsync(client, $"restart {cycle}");
                await workload.ResumeAsync(client, persisted, cycle);
                AssertNoErrors(workload, broker, seed);
            }

            int acks = random.Next(30, 200);
            kills.Add(acks);
            var killed = new StrongBox<bool>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
            Task target = workload.ArmAsync(acks);
            var producers = new Task[Producers];
            for (int p = 0; p < Producers; p++)
            {
                int current = cycle;
                producers[p] = Task.Run(() => workload.ProduceAsync(client, current, () => Volatile.Read(ref killed.Value), stop.Token));
            }
            Task consumer = Task.Run(() => workload.ConsumeAsync(client, () => Volatile.Read(ref killed.Value), stop.Token));
            await Task.WhenAny(target, Task.WhenAll(producers)).WaitAsync(deadline.Token);
            AssertNoErrors(workload, broker, seed);
            Assert.That(target.IsCompleted, Is.True, "producers stopped before the kill moment");

            persisted = CrashWorkload.PersistedOffsets(store);
            Volatile.Write(ref killed.Value, true);
            await broker.KillAsync(deadline.Token);
            await Task.WhenAll(producers).WaitAsync(deadline.Token);
            await consumer.WaitAsync(deadline.Token);
            await stop.CancelAsync();
        }
        TimeSpan cyclesTime = clock.Elapsed;

        (long records, long entries, List<string> problems) = await StoreAudit.RunAsync(AuditOptions(store, flush));
        Assert.That(problems, Is.Empty, "offline audit of the killed store");

        string last = await broker.StartAsync(deadline.Token);
        (long[] max, int verified, int lastSurvived) final;
        long[] committed;
        await using (var client = new BrokerTestClient(last, "127.0.0.1@crash-final"))
        {
            final = await workload.VerifyAsync(client, "final restart");
            await workload.ResumeAsync(client, persisted, cycles);
            await workload.ConsumeAsync(client, () => false, deadline.Token, drainTo: final.max);
            AssertNoErrors(workload, broker, seed);
            Assert.That(workload.Gaps(final.max), Is.Empty, "the consumer skipped queue offsets");
            committed = workload.CommittedOffsets;
        }
        Assert.That(await broker.StopAsync(deadline.Token), Is.Zero, "clean stop (SIGTERM)" + Environment.NewLine + broker.RecentOutput);
        Assert.That(CrashWorkload.PersistedOffsets(store), Is.EqualTo(committed), "a clean stop persists the committed offsets");
        Assert.That(final.verified, Is.EqualTo(workload.Acknowledged));
        Assert.That(workload.Acknowledged, Is.GreaterThanOrEqualTo(cycles * 30));

        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{flush}: seed {seed}, {cycles} SIGKILL/restart cycles in {cyclesTime.TotalSeconds:F1} s (total {clock.Elapsed.TotalSeconds:F1} s); " +
            $"sends attempted {workload.Attempted}, acknowledged {workload.Acknowledged}, all verified byte for byte after every restart " +
            $"(final {final.verified}); unacknowledged (in flight at a kill) but stored whole {final.lastSurvived}; consumed {workload.Consumed} (redelivered {workload.Redelivered}, committed-but-not-persisted offsets at the kills {workload.ResumeLag}); " +
            $"offline audit {records} records / {entries} consume-queue entries; kill points (acks per cycle) {string.Join(',', kills)}"));
    }

    private static void AssertNoErrors(CrashWorkload workload, ChildProcessBroker broker, int seed)
    {
        IReadOnlyList<string> errors = workload.Errors;
        if (errors.Count > 0)
        {
            Assert.Fail($"seed {seed}: {errors.Count} problem(s):{Environment.NewLine}{string.Join(Environment.NewLine, errors.Take(20))}"
                + $"{Environment.NewLine}broker output:{Environment.NewLine}{broker.RecentOutput}");
        }
    }
}
