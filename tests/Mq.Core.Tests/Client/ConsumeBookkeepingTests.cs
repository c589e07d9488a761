using System.Collections.Concurrent;
using Mq.Client;
using Mq.Protocol.Body;

namespace Mq.Tests.Client;

/// <summary>The push consumer's per-message bookkeeping: the in-flight offsets of a queue and the consume workers.</summary>
public sealed class ConsumeBookkeepingTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Process_queue_agrees_with_a_sorted_map_under_random_adds_and_removes(int seed)
    {
        // The reference is the rule itself over a sorted map: commit the smallest offset in flight, else one past
        // the largest ever added. Adds are mostly ascending (as pulled), with redeliveries, duplicates, offsets
        // below the head and removals of offsets that are not there; enough of them to outgrow the first slots.
        var random = new Random(seed);
        var queue = new ProcessQueue(new MessageQueue("T", "b", 0));
        var model = new SortedDictionary<long, int>();
        long modelMax = -1;
        long next = 1000;
        for (int step = 0; step < 20_000; step++)
        {
            int action = random.Next(10);
            if (action < 5)
            {
                long offset = random.Next(8) == 0 ? next - random.Next(1, 300) : next++;
                int size = random.Next(0, 500);
                queue.Add(offset, size);
                model.TryAdd(offset, size);
                modelMax = Math.Max(modelMax, offset);
            }
            else
            {
                long offset = model.Count > 0 && random.Next(4) != 0
                    ? model.Keys.ElementAt(random.Next(model.Count))
                    : next - random.Next(0, 400);
                long expected = model.Count == 0 ? -1 : RemoveFromModel(model, offset, modelMax);
                Assert.That(queue.Remove(offset), Is.EqualTo(expected), $"step {step}: remove {offset}");
            }
            Assert.That(queue.Count, Is.EqualTo(model.Count), $"step {step}: count");
            Assert.That(queue.Bytes, Is.EqualTo(model.Values.Sum()), $"step {step}: bytes");
            Assert.That(queue.Span, Is.EqualTo(model.Count == 0 ? 0 : modelMax - model.Keys.First()), $"step {step}: span");
        }
    }

    private static long RemoveFromModel(SortedDictionary<long, int> model, long offset, long max)
    {
        model.Remove(offset);
        return model.Count == 0 ? max + 1 : model.Keys.First();
    }

    [Test]
    public async Task Consume_workers_run_every_item_off_the_posting_thread_and_never_more_than_the_parallelism()
    {
        const int Parallelism = 3;
        const int Items = 2000;
        int running = 0;
        int mostAtOnce = 0;
        int consumed = 0;
        int inline = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new ConcurrentDictionary<int, bool>();
        int poster = Environment.CurrentManagedThreadId;
        var workers = new ConsumeWorkers<int>(async item =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            if (Environment.CurrentManagedThreadId == poster)
            {
                Interlocked.Increment(ref inline);
            }
            if (item % 7 == 0)
            {
                // Some handlers go asynchronous and hold their slot while they wait.
                await Task.Delay(1);
            }
            else if (item % 5 == 0)
            {
                Thread.SpinWait(2000);
            }
            Assert.That(seen.TryAdd(item, true), Is.True, "each item once");
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref consumed) == Items)
            {
                done.TrySetResult();
            }
        }, Parallelism, (_, ex) => done.TrySetException(ex));

        for (int i = 0; i < Items; i++)
        {
            workers.Post(i);
        }
        await done.Task.WaitAsync(Generous);
        Assert.Multiple(() =>
        {
            Assert.That(seen, Has.Count.EqualTo(Items));
            Assert.That(mostAtOnce, Is.InRange(1, Parallelism));
            Assert.That(inline, Is.Zero, "Post never runs an item on the posting thread");
        });
    }

    [Test]
    public async Task Consume_workers_use_every_slot_when_handlers_block()
    {
        // As many blocking handlers as slots must all be inside at once: the workers run side by side.
        const int Parallelism = 4;
        using var allInside = new CountdownEvent(Parallelism);
        var workers = new ConsumeWorkers<int>(_ =>
        {
            allInside.Signal();
            allInside.Wait(Generous);
            return ValueTask.CompletedTask;
        }, Parallelism, (_, _) => { });
        for (int i = 0; i < Parallelism; i++)
        {
            workers.Post(i);
        }
        Assert.That(await Task.Run(() => allInside.Wait(Generous)), Is.True);
    }

    [Test]
    public async Task A_faulting_item_is_reported_and_the_worker_goes_on()
    {
        var faults = new ConcurrentQueue<(int, Exception)>();
        int consumed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = new ConsumeWorkers<int>(async item =>
        {
            if (item == 3)
            {
                throw new InvalidOperationException("sync fault");
            }
            if (item == 6)
            {
                await Task.Yield();
                throw new InvalidOperationException("async fault");
            }
            if (Interlocked.Increment(ref consumed) == 8)
            {
                done.TrySetResult();
            }
        }, parallelism: 1, (item, ex) => faults.Enqueue((item, ex)));
        for (int i = 0; i < 10; i++)
        {
            workers.Post(i);
        }
        await done.Task.WaitAsync(Generous);
        Assert.That(faults.Select(f => (f.Item1, f.Item2.Message)), Is.EquivalentTo(new[] { (3, "sync fault"), (6, "async fault") }));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current = Volatile.Read(ref target);
        while (value > current)
        {
            int seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}

/// <summary>The per-topic figures a consumer reports to admin tools.</summary>
public sealed class ConsumerStatsTableTests
{
    [Test]
    public void Rates_cover_the_last_minute_of_snapshots_and_failures_the_last_hour()
    {
        var clock = new ManualClock();
        var stats = new ConsumerStatsTable(clock);
        stats.Pulled("T", 10, TimeSpan.FromMilliseconds(20));
        for (int i = 0; i < 10; i++)
        {
            stats.Consumed("T", succeeded: i >= 2, TimeSpan.FromMilliseconds(5));
        }
        clock.Advance(TimeSpan.FromSeconds(10));
        stats.Sample();                                            // snapshot 1: 10 pulled, 8 ok, 2 failed
        stats.Pulled("T", 30, TimeSpan.FromMilliseconds(40));
        for (int i = 0; i < 30; i++)
        {
            stats.Consumed("T", succeeded: true, TimeSpan.FromMilliseconds(1));
        }
        clock.Advance(TimeSpan.FromSeconds(10));

        ConsumeStatus recent = stats.Snapshot()["T"];             // from snapshot 1 to now: 10 s
        Assert.Multiple(() =>
        {
            Assert.That(recent.PullTPS, Is.EqualTo(3.0).Within(1e-9));
            Assert.That(recent.PullRT, Is.EqualTo(40.0).Within(1e-9));
            Assert.That(recent.ConsumeOKTPS, Is.EqualTo(3.0).Within(1e-9));
            Assert.That(recent.ConsumeFailedTPS, Is.Zero);
            Assert.That(recent.ConsumeRT, Is.EqualTo(1.0).Within(1e-9));
            Assert.That(recent.ConsumeFailedMsgs, Is.EqualTo(2), "the hour has no snapshot yet: failures since the topic was first seen");
        });

        // Seven quiet periods later the busy ones have left the minute window.
        for (int i = 0; i < 7; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(10));
            stats.Sample();
        }
        ConsumeStatus idle = stats.Snapshot()["T"];
        Assert.Multiple(() =>
        {
            Assert.That((idle.PullTPS, idle.ConsumeOKTPS, idle.PullRT, idle.ConsumeRT), Is.EqualTo((0.0, 0.0, 0.0, 0.0)));
            Assert.That(idle.ConsumeFailedMsgs, Is.EqualTo(2));
        });
    }

    /// <summary>A clock the test moves; timers are not used (the test samples by hand).</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
