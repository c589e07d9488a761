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
