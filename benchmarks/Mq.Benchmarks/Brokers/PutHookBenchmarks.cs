using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Protocol;
using Mq.Brokers;
using Mq.Brokers.Schedule;
using Mq.Messages;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// What the timer-message check adds to every send: <see cref="TimerPutHook"/> on an ordinary message (TAGS, KEYS,
/// UNIQ_KEY, WAIT; no timer property), beside <see cref="DelayPutHook"/>, the check every send already paid.
/// Expected: a few ns and 0 B for both.
/// </summary>
[MemoryDiagnoser]
public class PutHookBenchmarks
{
    private readonly MessageToStore _message = new() { Topic = "TopicTest", QueueId = 1, Body = new byte[100], Properties = HotHeaders.Properties };
    private readonly DelayPutHook _delay = new(18);
    private readonly TimerPutHook _timer = new(new BrokerOptions(), TimeProvider.System);

    /// <summary>The delay-level check.</summary>
    [Benchmark(Baseline = true)]
    public int DelayHook() => _delay.BeforePut(_message, out _);

    /// <summary>The timer check.</summary>
    [Benchmark]
    public int TimerHook() => _timer.BeforePut(_message, out _);
}
