using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mq.Client;
using Mq.Testing;

namespace Mq.Tests.Load;

/// <summary>
/// Issue 9, load: a bounded soak. Steady send and consume through our Producer and PushConsumer against
/// MqCluster for MQ_SOAK_SECONDS (default 60): the heap after a forced GC, the open file descriptors and
/// the pending requests (producer, consumer, broker) stay flat between the first and the last third of
/// the run, and every message sent is consumed.
/// </summary>
[TestFixture]
[Category("Load")]
[NonParallelizable]
public sealed class SoakTests
{
    private const string Topic = "Soak";
    private const int Senders = 2;
    private static readonly TimeSpan SendInterval = TimeSpan.FromMilliseconds(4);

    /// <summary>Heap (after GC) allowed above the first third's highest sample, absolute part.</summary>
    private const long HeapTolerance = 24L * 1024 * 1024;

    /// <summary>Open descriptors allowed above the first third's highest sample (a reconnect, a new segment file).</summary>
    private const int FdTolerance = 8;

    /// <summary>Pending requests allowed above the first third's highest sample.</summary>
    private const int PendingTolerance = 8;

    private static int SoakSeconds =>
        int.TryParse(Environment.GetEnvironmentVariable("MQ_SOAK_SECONDS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) && s >= 6 ? s : 60;

    private readonly record struct Sample(double Seconds, long Heap, int Fds, int Threads, int Pending, long Sent, long Consumed);

    [Test]
    [CancelAfter(3_600_000)]
    public async Task Steady_send_and_consume_keeps_heap_handles_and_pending_requests_flat(CancellationToken cancellationToken)
    {
        int seconds = SoakSeconds;
        await using MqCluster cluster = await MqCluster.StartAsync(cancellationToken: cancellationToken);
        await cluster.CreateTopicAsync(Topic, 4, cancellationToken: cancellationToken);
        // One bit per sequence number: tracking what was consumed must not itself grow the heap.
        int capacity = (int)(seconds * Senders * (1000 / SendInterval.TotalMilliseconds) * 2) + 10_000;
        int[] seen = new int[capacity];
        long unique = 0;
        long duplicates = 0;
        await using var producer = new Producer(new ProducerOptions { NameServerAddresses = [cluster.NameServerAddress], ProducerGroup = "SoakProducer" });
        await producer.StartAsync(cancellationToken);
        await using var consumer = new PushConsumer(new ConsumerOptions
        {
            NameServerAddresses = [cluster.NameServerAddress],
            ConsumerGroup = "SoakConsumer",
            Subscriptions = { [Topic] = "*" },
            ConsumeFromWhere = ConsumeStartPoint.FirstOffset,
        }, (message, _, _) =>
        {
            int sequence = BinaryPrimitives.ReadInt32BigEndian(message.Body.Span);
            if (Interlocked.Exchange(ref seen[sequence], 1) == 0)
            {
                Interlocked.Increment(ref unique);
            }
            else
            {
                Interlocked.Increment(ref duplicates);
            }
            return ValueTask.FromResult(ConsumeResult.Success);
        });
        await consumer.StartAsync(cancellationToken);

        long sent = 0;
        long nextSequence = -1;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senders = new Task[Senders];
        for (int s = 0; s < Senders; s++)
        {
            senders[s] = Task.Run(async () =>
            {
                using var pace = new PeriodicTimer(SendInterval);
                byte[] padding = Encoding.UTF8.GetBytes(new string('p', 252));
                while (await Tick(pace, stop.Token))
                {
                    int sequence = (int)Interlocked.Increment(ref nextSequence);
                    if (sequence >= capacity)
                    {
                        break;
                    }
                    byte[] body = new byte[4 + padding.Length];
                    BinaryPrimitives.WriteInt32BigEndian(body, sequence);
                    padding.CopyTo(body, 4);
                    SendResult result = await producer.SendAsync(new Message(Topic, "T", "k" + sequence.ToString(CultureInfo.InvariantCulture), body), cancellationToken);
                    Assert.That(result.Status, Is.EqualTo(SendStatus.SendOk));
                    Interlocked.Increment(ref sent);
                }
            }, cancellationToken);
        }

        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        using (var sampler = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds) && await sampler.WaitForNextTickAsync(cancellationToken))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                samples.Add(new Sample(clock.Elapsed.TotalSeconds, GC.GetTotalMemory(forceFullCollection: true), OpenFileDescriptors(),
                    Process.GetCurrentProcess().Threads.Count,
                    producer.PendingRequests + consumer.PendingRequests + cluster.Brokers[0].Node!.Server.InFlightRequests,
                    Interlocked.Read(ref sent), Interlocked.Read(ref unique)));
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        long total = Interlocked.Read(ref sent);
        var drain = Stopwatch.StartNew();
        while (Interlocked.Read(ref unique) < total)
        {
            Assert.That(drain.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), () => $"consumed {Interlocked.Read(ref unique)} of {total}");
            await Task.Delay(50, cancellationToken);
        }

        int third = samples.Count / 3;
        List<Sample> first = samples.GetRange(0, third);
        List<Sample> last = samples.GetRange(samples.Count - third, third);
        long firstHeap = first.Max(s => s.Heap);
        long lastHeap = last.Max(s => s.Heap);
        int firstFds = first.Max(s => s.Fds);
        int lastFds = last.Max(s => s.Fds);
        int firstPending = first.Max(s => s.Pending);
        int lastPending = last.Max(s => s.Pending);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"soak {seconds} s: {total} messages sent, {Interlocked.Read(ref unique)} consumed ({Interlocked.Read(ref duplicates)} redelivered); " +
            $"heap max first third {firstHeap / 1024 / 1024.0:F1} MiB, last third {lastHeap / 1024 / 1024.0:F1} MiB; " +
            $"fds {firstFds} -> {lastFds}; threads {first.Max(s => s.Threads)} -> {last.Max(s => s.Threads)}; pending {firstPending} -> {lastPending}"));
        foreach (Sample sample in samples)
        {
            TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {sample.Seconds,6:F1} s heap {sample.Heap / 1024 / 1024.0,6:F1} MiB fds {sample.Fds} threads {sample.Threads} pending {sample.Pending} sent {sample.Sent} consumed {sample.Consumed}"));
        }
        Assert.That(third, Is.GreaterThanOrEqualTo(2), "too few samples");
        Assert.That(total, Is.GreaterThan(seconds * 50), "the soak did not send steadily");
        Assert.That(lastHeap, Is.LessThanOrEqualTo(firstHeap + HeapTolerance), "heap growth");
        Assert.That(lastFds, Is.LessThanOrEqualTo(firstFds + FdTolerance), "descriptor growth");
        Assert.That(lastPending, Is.LessThanOrEqualTo(firstPending + PendingTolerance), "pending request growth");
    }

    private static int OpenFileDescriptors() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    private static async Task<bool> Tick(PeriodicTimer pace, CancellationToken stop)
    {
        try
        {
            return await pace.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
