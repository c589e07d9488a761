using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

/// <summary>
/// GET_BROKER_RUNTIME_INFO carries what <c>mqadmin clusterList</c> parses: the put and transfer rates (first of
/// three windows) and, for <c>clusterList -m</c>, the totals at the last two midnights.
/// </summary>
[Category("Integration")]
public sealed class RuntimeInfoTests
{
    [Test]
    public async Task Rates_come_from_one_sample_a_second_and_midnight_moves_the_morning_totals()
    {
        using var directory = new TempDirectory();
        // Ten seconds before midnight (UTC is the fake clock's local zone).
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 23, 59, 50, TimeSpan.Zero));
        await using Broker broker = await Broker.StartAsync(BrokerHarness.Options(directory.Path), null, time);
        await using var client = new BrokerTestClient(broker.Address);
        for (int i = 0; i < 20; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Rated", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await AdvanceOneSecondAsync(time, broker);                      // 23:59:51, 20 stored
        for (int i = 0; i < 10; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Rated", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        using (RemotingCommand pull = await client.PullAsync("G", "Rated", 0, 0, maxMsgNums: 25))
        {
            Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span), Has.Count.EqualTo(25));
        }
        for (int second = 0; second < 10; second++)
        {
            await AdvanceOneSecondAsync(time, broker);                  // ... 00:00:01: the day changes at 00:00:00
        }

        Dictionary<string, string> info = await RuntimeInfoAsync(client);
        Assert.Multiple(() =>
        {
            // Samples: 23:59:50 at start (nothing yet), 23:59:51 (20 stored), then one a second to 00:00:01 (30
            // stored, 25 pulled). The 10 s window runs from 23:59:51; the longer ones cover all the broker has.
            Assert.That(Rates(info["putTps"]), Is.EqualTo(new[] { 1.0, 30 / 11.0, 30 / 11.0 }).Within(0.001));
            Assert.That(Rates(info["getTransferedTps"]), Is.EqualTo(new[] { 2.5, 25 / 11.0, 25 / 11.0 }).Within(0.001));
            Assert.That(info["msgPutTotalTodayNow"], Is.EqualTo("30"));
            Assert.That(info["msgPutTotalTodayMorning"], Is.EqualTo("30"), "the totals at the first sample of the new day");
            Assert.That(info["msgPutTotalYesterdayMorning"], Is.EqualTo("0"));
            Assert.That(info["msgGetTotalTodayMorning"], Is.EqualTo("25"));
            Assert.That(info["msgGetTotalYesterdayMorning"], Is.EqualTo("0"));
            Assert.That(info["runtime"], Is.EqualTo("[ 0 days, 0 hours, 0 minutes, 11 seconds ]"));
            Assert.That(double.Parse(info["commitLogDiskRatio"], CultureInfo.InvariantCulture), Is.InRange(0.0, 1.0));
            Assert.That(info["pageCacheLockTimeMills"], Is.EqualTo("0"));
        });

        // A quiet second later the sends of 23:59:51 have left the 10 s window.
        await AdvanceOneSecondAsync(time, broker);
        info = await RuntimeInfoAsync(client);
        Assert.That(Rates(info["putTps"]), Is.EqualTo(new[] { 0.0, 30 / 12.0, 30 / 12.0 }).Within(0.001));
    }

    [Test]
    public async Task Stats_items_report_the_change_between_the_snapshots_of_the_last_minute()
    {
        using var directory = new TempDirectory();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using Broker broker = await Broker.StartAsync(BrokerHarness.Options(directory.Path), null, time);
        await using var client = new BrokerTestClient(broker.Address);
        await SendAsync(client, 20);
        await AdvanceTenSecondsAsync(time, broker);                     // snapshot 1: 20 stored
        await SendAsync(client, 10);
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        using (RemotingCommand pull = await client.PullAsync("G", "Stated", 0, 0, maxMsgNums: 25))
        {
            Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span), Has.Count.EqualTo(25));
        }
        await AdvanceTenSecondsAsync(time, broker);                     // snapshot 2: 30 stored, 25 pulled
        using (RemotingCommand pull = await client.PullAsync("G", "Stated", 0, 25))
        {
            Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span), Has.Count.EqualTo(5));
        }
        await AdvanceTenSecondsAsync(time, broker);                     // snapshot 3: 30 stored, 30 pulled

        BrokerStatsData put = await ViewAsync(client, "TOPIC_PUT_NUMS", "Stated");
        BrokerStatsData got = await ViewAsync(client, "GROUP_GET_NUMS", "Stated@G");
        BrokerStatsData total = await ViewAsync(client, "BROKER_PUT_NUMS", broker.Options.BrokerClusterName);
        using RemotingCommand missing = await client.InvokeAsync(RequestCode.ViewBrokerStatsData,
            new Dictionary<string, string?> { ["statsName"] = "TOPIC_PUT_NUMS", ["statsKey"] = "Nothing" });
        Assert.Multiple(() =>
        {
            // Put: 10 messages in 10 sends between snapshots 1 and 3, 20 s apart.
            Assert.That((put.StatsMinute.Sum, put.StatsMinute.Tps, put.StatsMinute.Avgpt), Is.EqualTo((10L, 0.5, 1.0)));
            // Get: the item exists since the first pull; 5 messages in one pull between snapshots 2 and 3.
            Assert.That((got.StatsMinute.Sum, got.StatsMinute.Tps, got.StatsMinute.Avgpt), Is.EqualTo((5L, 0.5, 5.0)));
            Assert.That(total.StatsMinute.Sum, Is.EqualTo(10));
            Assert.That(put.StatsHour.Sum, Is.Zero, "the hour window has no snapshot before ten minutes");
            Assert.That(missing.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(missing.Remark, Is.EqualTo("The stats <TOPIC_PUT_NUMS> <Nothing> not exist"));
        });
    }

    private static async Task SendAsync(BrokerTestClient client, int count)
    {
        for (int i = 0; i < count; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Stated", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
    }

    private static async Task AdvanceTenSecondsAsync(FakeTimeProvider time, Broker broker)
    {
        long before = broker.StatsItems.Samples;
        time.Advance(TimeSpan.FromSeconds(10));
        await SendPullTests.WaitUntil(() => broker.StatsItems.Samples > before);
    }

    private static async Task<BrokerStatsData> ViewAsync(BrokerTestClient client, string name, string key)
    {
        using RemotingCommand view = await client.InvokeAsync(RequestCode.ViewBrokerStatsData,
            new Dictionary<string, string?> { ["statsName"] = name, ["statsKey"] = key });
        Assert.That(view.Code, Is.EqualTo(ResponseCode.Success), view.Remark);
        return BrokerStatsData.Decode(view.Body.Span);
    }

    private static async Task AdvanceOneSecondAsync(FakeTimeProvider time, Broker broker)
    {
        int before = broker.Stats.SampleCount;
        time.Advance(TimeSpan.FromSeconds(1));
        await SendPullTests.WaitUntil(() => broker.Stats.SampleCount > before);
    }

    private static async Task<Dictionary<string, string>> RuntimeInfoAsync(BrokerTestClient client)
    {
        using RemotingCommand runtime = await client.InvokeAsync(RequestCode.GetBrokerRuntimeInfo);
        Assert.That(runtime.Code, Is.EqualTo(ResponseCode.Success));
        return KVTable.Decode(runtime.Body.Span).Table;
    }

    private static double[] Rates(string text) => [.. text.Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture))];
}
