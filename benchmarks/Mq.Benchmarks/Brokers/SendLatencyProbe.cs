using System.Diagnostics;
using HdrHistogram;
using Mq.Protocol;
using Mq.Transport;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// Send latency at a fixed fraction of the maximum load (issue 5: p99 at half the maximum load &lt;= 1 ms),
/// which BenchmarkDotNet's mean-per-operation model cannot express. First measures the closed-loop maximum
/// with 50 concurrent senders, then offers <c>fraction</c> of that rate open-loop (requests start on a
/// schedule, not when the previous one returns, so a stall shows up as latency instead of hiding as lower
/// throughput; the schedule is served in ~1 ms ticks) and records each request from its scheduled start
/// to SEND_OK in an HDR histogram, after two seconds of the same load that are not recorded.
/// Run: <c>dotnet run -c Release --project benchmarks/Mq.Benchmarks -- --send-latency [seconds] [bodySize] [fraction]</c>
/// (a fraction above 1 is taken as an absolute rate in msg/s).
/// Diagnostics: <c>MQ_TRACE=1</c> prints every 100 ms of the open loop whose worst send took over 5 ms (when the
/// tail happens: a rollover, a flush); <c>MQ_ALLOC=1</c> prints the sampled allocations per send by type.
/// </summary>
internal static class SendLatencyProbe
{
    private const int Senders = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        int seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
        int bodySize = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100;
        double fraction = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0.5;
        byte[] body = new byte[bodySize];
        new Random(42).NextBytes(body);
        await using BrokerBench bench = await BrokerBench.StartAsync();
        await using var client = new RemotingClient(new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
        string address = bench.Broker.Address;

        // Warm-up, then the closed-loop maximum.
        await ClosedLoopAsync(client, address, body, TimeSpan.FromSeconds(2));
        double max = await ClosedLoopAsync(client, address, body, TimeSpan.FromSeconds(Math.Max(3, seconds / 2)));
        // A fraction above 1 is an absolute rate, to compare configurations (e.g. socket completion modes) at one load.
        double rate = fraction > 1 ? fraction : max * fraction;
        Console.WriteLine($"closed loop, {Senders} senders, {bodySize} B: {max:F0} msg/s; offering {rate:F0} msg/s ({rate / max:P0}) for {seconds} s");

        var histogram = new LongConcurrentHistogram(1, Stopwatch.Frequency * 10, 3);
        var worstPerTick = Environment.GetEnvironmentVariable("MQ_TRACE") == "1" ? new WorstPerTick(seconds) : null;
        long intervalTicks = (long)(Stopwatch.Frequency / rate);
        long failed = 0;
        long start = 0;
        bool recording = false;
        // The switch from the closed loop to the open one costs a transient (the open loop's code tiers up, the
        // pool trims the threads the 50 lanes used, the closed loop's garbage is collected): measured, 0.3-0.5 s of
        // 5-35 ms sends, enough to set the p99 of a 10 s run on its own. Two seconds of the same load, not
        // recorded, come first, as a load generator's warm-up does.
        await OpenLoopAsync(TimeSpan.FromSeconds(2));
        using var sampler = Environment.GetEnvironmentVariable("MQ_ALLOC") == "1" ? new AllocationSampler() : null;
        sampler?.Start();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        TimeSpan paused = GC.GetTotalPauseDuration();
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        long allocated = GC.GetTotalAllocatedBytes();
        recording = true;
        await OpenLoopAsync(TimeSpan.FromSeconds(seconds));
        sampler?.Stop();
        if (sampler is not null)
        {
            foreach (var (type, bytes) in sampler.Top(25))
            {
                Console.WriteLine($"  {bytes / (double)histogram.TotalCount,8:F1} B/send  {type}");
            }
        }
        if (worstPerTick is not null)
        {
            // Stopwatch ticks are CLOCK_MONOTONIC nanoseconds on Linux: the offset lines the ticks up with a
            // `perf record -k CLOCK_MONOTONIC` of the same run.
            Console.WriteLine($"measured open loop began at monotonic {start / (double)Stopwatch.Frequency:F6} s");
            worstPerTick.Print(threshold: TimeSpan.FromMilliseconds(5));
        }
        Console.WriteLine($"GCs during the open loop: gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}; "
            + $"paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F1} ms; allocated {(GC.GetTotalAllocatedBytes() - allocated) / (double)histogram.TotalCount:F0} B per send "
            + $"(client and broker together); pool threads {ThreadPool.ThreadCount}; "
            + $"CPU {(Environment.CpuUsage.TotalTime - cpu).TotalMicroseconds / histogram.TotalCount:F1} us per send (the whole process: pacing, client, broker)");
        double ms(double p) => histogram.GetValueAtPercentile(p) * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"open loop at {rate:F0} msg/s: {histogram.TotalCount} sends, {failed} failed; latency p50 {ms(50):F3} ms, p90 {ms(90):F3} ms, "
            + $"p99 {ms(99):F3} ms, p99.9 {ms(99.9):F3} ms, max {histogram.GetMaxValue() * 1000.0 / Stopwatch.Frequency:F3} ms");
        return failed == 0 ? 0 : 1;

        // Pacing sleeps a few tens of microseconds between checks (a spin, even a yielding one, takes a share of
        // one of the machine's two cores from the broker and client being measured; a 1 ms timer sleep turns
        // the load into bursts) and starts every send whose time has come. Latency counts from each send's
        // scheduled time, so a late start shows.
        async Task OpenLoopAsync(TimeSpan duration)
        {
            start = Stopwatch.GetTimestamp();
            long end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
            var inFlight = new List<Task>(capacity: 1024);
            long scheduled = start;
            while (scheduled < end)
            {
                long now = Stopwatch.GetTimestamp();
                while (scheduled <= now && scheduled < end)
                {
                    inFlight.Add(SendOneAsync(scheduled));
                    scheduled += intervalTicks;
                }
                worstPerTick?.NoteCollections(now - start);
                if (inFlight.Count >= 1024)
                {
                    inFlight.RemoveAll(static t => t.IsCompleted);
                }
                Mq.Storage.Threading.ShortSleep.Pause();
            }
            await Task.WhenAll(inFlight);
        }

        async Task SendOneAsync(long scheduled)
        {
            using RemotingCommand response = await client.InvokeValueAsync(address, BrokerBench.SendRequest("BenchTopic", (int)(scheduled & 3), body)).ConfigureAwait(false);
            if (response.Code != ResponseCode.Success)
            {
                Interlocked.Increment(ref failed);
            }
            if (!recording)
            {
                return;
            }
            long took = Math.Max(1, Stopwatch.GetTimestamp() - scheduled);
            histogram.RecordValue(took);
            worstPerTick?.Record(scheduled - start, took);
        }
    }

    private static async Task<double> ClosedLoopAsync(RemotingClient client, string address, byte[] body, TimeSpan duration)
    {
        long sent = 0;
        long stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long started = Stopwatch.GetTimestamp();
        var lanes = new Task[Senders];
        for (int lane = 0; lane < Senders; lane++)
        {
            int queue = lane & 3;
            lanes[lane] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < stopAt)
                {
                    using RemotingCommand response = await client.InvokeValueAsync(address, BrokerBench.SendRequest("BenchTopic", queue, body)).ConfigureAwait(false);
                    Interlocked.Increment(ref sent);
                }
            });
        }
        await Task.WhenAll(lanes);
        return sent / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}

/// <summary>The worst latency per 100 ms of the open loop, to see when the tail happens.</summary>
internal sealed class WorstPerTick(int seconds)
{
    private const int TicksPerSecond = 10;
    private readonly long[] _worst = new long[seconds * TicksPerSecond];
    private readonly string?[] _collections = new string?[seconds * TicksPerSecond];
    private int _gen0 = GC.CollectionCount(0);
    private int _gen1 = GC.CollectionCount(1);
    private int _gen2 = GC.CollectionCount(2);

    /// <summary>Marks the tick in which a collection finished (pacing thread only), to tell GC pauses from other stalls.</summary>
    public void NoteCollections(long sinceStart)
    {
        int gen0 = GC.CollectionCount(0);
        if (gen0 == _gen0)
        {
            return;
        }
        int gen1 = GC.CollectionCount(1);
        long tick = sinceStart * TicksPerSecond / Stopwatch.Frequency;
        if (tick >= 0 && tick < _collections.Length)
        {
            int gen2 = GC.CollectionCount(2);
            _collections[tick] = gen2 != _gen2 ? "gen2 GC" : gen1 != _gen1 ? "gen1 GC" : "gen0 GC";
            _gen2 = gen2;
        }
        _gen0 = gen0;
        _gen1 = gen1;
    }

    public void Record(long sinceStart, long took)
    {
        long tick = sinceStart * TicksPerSecond / Stopwatch.Frequency;
        if (tick < 0 || tick >= _worst.Length)
        {
            return;
        }
        ref long slot = ref _worst[tick];
        long seen;
        while (took > (seen = Volatile.Read(ref slot)) && Interlocked.CompareExchange(ref slot, took, seen) != seen)
        {
        }
    }

    public void Print(TimeSpan threshold)
    {
        long limit = (long)(threshold.TotalSeconds * Stopwatch.Frequency);
        for (int tick = 0; tick < _worst.Length; tick++)
        {
            if (_worst[tick] > limit || _collections[tick] is not null)
            {
                Console.WriteLine($"t={tick / (double)TicksPerSecond:F1}s worst {_worst[tick] * 1000.0 / Stopwatch.Frequency:F1} ms {_collections[tick]}");
            }
        }
    }
}
