using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Mq.Brokers;
using Mq.Protocol;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

/// <summary>The <c>Mq.Brokers</c> meter: what a broker's sends and pulls add up to, and its gauges.</summary>
[Category("Integration")]
public sealed class BrokerMetricsTests
{
    [Test]
    public async Task Sends_and_pulls_are_counted_per_topic_group_and_code_and_gauges_report_the_store()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.MaxMessageSize = 1024);
        await using Broker other = await BrokerHarness.StartAsync(Path.Combine(directory.Path, "other"));
        var sums = new ConcurrentDictionary<string, double>();
        var durations = new ConcurrentQueue<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this broker: the meter's tags carry its address, so the other broker (and other tests) stay out.
            if (instrument.Meter.Name == "Mq.Brokers" && instrument.Meter.Tags!.Any(t => t.Key == "mq.broker.address" && Equals(t.Value, broker.Address)))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => sums.AddOrUpdate(Key(instrument, tags), value, (_, v) => v + value));
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => sums[Key(instrument, tags)] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "mq.broker.send.duration")
            {
                durations.Enqueue(value);
            }
        });
        listener.Start();

        await using var client = new BrokerTestClient(broker.Address);
        await using var otherClient = new BrokerTestClient(other.Address);
        for (int i = 0; i < 3; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Metered", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand sent = await client.SendAsync("AlsoMetered", [1]))
        {
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand oversize = await client.SendAsync("Metered", new byte[2048]))
        {
            Assert.That(oversize.Code, Is.EqualTo(ResponseCode.MessageIllegal));
        }
        using (RemotingCommand elsewhere = await otherClient.SendAsync("Metered", [1]))
        {
            Assert.That(elsewhere.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand timed = await client.SendAsync("Timed", [1], BrokerTestClient.Properties(("TIMER_DELAY_SEC", "3600"))))
        {
            Assert.That(timed.Code, Is.EqualTo(ResponseCode.Success));
        }
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        await Mq.TestKit.Eventually.HoldsAsync(() => Task.FromResult(broker.Timers.PendingCount == 1));
        using (RemotingCommand pull = await client.PullAsync("G1", "Metered", 0, 0))
        {
            Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span), Has.Count.EqualTo(3));
        }
        listener.RecordObservableInstruments();

        Assert.Multiple(() =>
        {
            Assert.That(sums.GetValueOrDefault("mq.broker.messages.stored|Metered"), Is.EqualTo(3));
            Assert.That(sums.GetValueOrDefault("mq.broker.messages.stored|AlsoMetered"), Is.EqualTo(1));
            Assert.That(sums.GetValueOrDefault("mq.broker.messages.delivered|Metered|G1"), Is.EqualTo(3));
            Assert.That(sums.GetValueOrDefault("mq.broker.sends.failed|" + ResponseCode.MessageIllegal), Is.EqualTo(1));
            Assert.That(sums.Keys.Count(k => k.StartsWith("mq.broker.sends.failed", StringComparison.Ordinal)), Is.EqualTo(1), "successful sends are not failures");
            Assert.That(durations, Has.Count.EqualTo(6), "every answered send is timed, failed ones too");
            Assert.That(sums.GetValueOrDefault("mq.broker.timer.pending"), Is.EqualTo(1));
            Assert.That(durations, Has.All.GreaterThanOrEqualTo(0));
            Assert.That(sums.GetValueOrDefault("mq.broker.commitlog.size"), Is.EqualTo(broker.Store.CommitLogMaxOffset - broker.Store.CommitLogMinOffset).And.GreaterThan(0));
            Assert.That(sums.GetValueOrDefault("mq.broker.dispatch.behind"), Is.Zero);
            Assert.That(sums.GetValueOrDefault("mq.broker.writes.refused|none"), Is.Zero);
            Assert.That(sums.ContainsKey("mq.broker.sends.in_flight") && sums.ContainsKey("mq.broker.pull.held"), Is.True);
        });
    }

    private static string Key(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string key = instrument.Name;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            key += "|" + Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        return key;
    }
}
