using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HdrHistogram;
using Mq.Client;

namespace Mq.QuickStart;

/// <summary>The producer/consumer run: the same code for the in-process nodes and for an existing cluster.</summary>
internal static class Run
{
    private const int InFlight = 64;

    public static async Task<int> ExecuteAsync(string nameServers, QuickStartArgs args)
    {
        string runId = Guid.NewGuid().ToString("N")[..12];
        List<string> addresses = [.. nameServers.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var received = new ConcurrentDictionary<int, long>();
        var latencies = NewHistogram();
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var producer = new Producer(new ProducerOptions
        {
            ProducerGroup = "QuickStartProducer", NameServerAddresses = addresses, AccessKey = args.AccessKey, SecretKey = args.SecretKey,
        });
        await producer.StartAsync();
        // A first message creates the topic (auto-create) so the consumer finds its route right away.
        await producer.SendAsync(new Message(args.Topic, "warmup", null, new byte[16]));

        await using var consumer = new PushConsumer(
            new ConsumerOptions
            {
                ConsumerGroup = "QuickStartConsumer",
                NameServerAddresses = addresses,
                AccessKey = args.AccessKey,
                SecretKey = args.SecretKey,
                Subscriptions = { [args.Topic] = "quickstart" },
                ConsumeFromWhere = ConsumeStartPoint.LastOffset,
            },
            (message, _, _) =>
            {
                if (message.Property("run") == runId && message.Body.Length >= 12)
                {
                    int index = BinaryPrimitives.ReadInt32BigEndian(message.Body.Span);
                    long sentAt = BinaryPrimitives.ReadInt64BigEndian(message.Body.Span[4..]);
                    if ((uint)index < (uint)args.Count && received.TryAdd(index, 0))
                    {
                        latencies.RecordValue(Stopwatch.GetTimestamp() - sentAt);
                        if (received.Count == args.Count)
                        {
                            allReceived.TrySetResult();
                        }
                    }
                }
                return ValueTask.FromResult(ConsumeResult.Success);
            });
        await consumer.StartAsync();
        using (var assigned = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (consumer.AssignedQueues.Count == 0)
            {
                await Task.Delay(20, assigned.Token);
            }
        }

        Console.WriteLine($"Sending {args.Count} messages of {args.Size} bytes to topic {args.Topic} ({InFlight} in flight)...");
        var sendLatencies = NewHistogram();
        long started = Stopwatch.GetTimestamp();
        using var window = new SemaphoreSlim(InFlight);
        var sends = new List<Task>(args.Count);
        int failed = 0;
        for (int i = 0; i < args.Count; i++)
        {
            await window.WaitAsync();
            sends.Add(SendOneAsync(i));
        }
        await Task.WhenAll(sends);
        TimeSpan sendTime = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"Sent in {sendTime.TotalMilliseconds:F0} ms: {args.Count / sendTime.TotalSeconds:F0} msg/s, {failed} failed");
        Print("send latency (request to SEND_OK)", sendLatencies);

        Task finished = await Task.WhenAny(allReceived.Task, Task.Delay(args.Timeout));
        TimeSpan total = Stopwatch.GetElapsedTime(started);
        if (finished != allReceived.Task)
        {
            Console.Error.WriteLine($"Missing {args.Count - received.Count} of {args.Count} messages after {args.Timeout.TotalSeconds:F0} s");
            return 1;
        }
        Console.WriteLine($"Received all {args.Count} in {total.TotalMilliseconds:F0} ms: {args.Count / total.TotalSeconds:F0} msg/s end to end");
        Print("end-to-end latency (send to consume)", latencies);
        return failed == 0 ? 0 : 1;

        async Task SendOneAsync(int index)
        {
            try
            {
                var body = new byte[args.Size];
                BinaryPrimitives.WriteInt32BigEndian(body, index);
                long t0 = Stopwatch.GetTimestamp();
                BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(4), t0);
                var message = new Message(args.Topic, "quickstart", "qs-" + index.ToString(CultureInfo.InvariantCulture), body);
                message.SetProperty("run", runId);
                SendResult result = await producer.SendAsync(message);
                sendLatencies.RecordValue(Stopwatch.GetTimestamp() - t0);
                if (result.Status != SendStatus.SendOk)
                {
                    Interlocked.Increment(ref failed);
                }
            }
            catch (MqClientException e)
            {
                Interlocked.Increment(ref failed);
                Console.Error.WriteLine($"send {index} failed: {e.Message}");
            }
            finally
            {
                window.Release();
            }
        }
    }

    /// <summary>
    /// An HDR histogram of Stopwatch ticks (1 tick to 1 minute, 3 significant digits): percentiles with a
    /// bounded relative error and a fixed footprint, recorded from many threads without a lock, instead
    /// of keeping and sorting every sample.
    /// </summary>
    private static LongConcurrentHistogram NewHistogram() => new(1, Stopwatch.Frequency * 60, 3);

    private static void Print(string title, HistogramBase histogram)
    {
        double Ms(double percentile) => histogram.GetValueAtPercentile(percentile) * 1000.0 / Stopwatch.Frequency;
        double max = histogram.GetMaxValue() * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"{title}: p50 {Ms(50):F3} ms, p90 {Ms(90):F3} ms, p99 {Ms(99):F3} ms, p99.9 {Ms(99.9):F3} ms, max {max:F3} ms ({histogram.TotalCount} samples)");
    }
}
