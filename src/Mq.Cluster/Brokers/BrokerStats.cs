using System.Globalization;

namespace Mq.Brokers;

/// <summary>
/// Broker counters (RocketMQ <c>BrokerStats</c> and <c>StoreStatsService</c> subset) for GET_BROKER_RUNTIME_INFO:
/// totals since start, rates over the last 10 s, 1 min and 10 min from one sample a second, and the totals at the
/// last two midnights. <c>mqadmin clusterList</c> reads the rates for its InTPS/OutTPS columns and
/// <c>clusterList -m</c> the midnight totals.
/// </summary>
internal sealed class BrokerStats
{
    /// <summary>Ten minutes of one-second samples, plus the one each window is measured from.</summary>
    private const int Capacity = 601;

    private static readonly int[] WindowsSeconds = [10, 60, 600];

    private readonly object _gate = new();
    private readonly Sample[] _samples = new Sample[Capacity];
    private int _count;
    private int _next;
    private DateOnly _day;

    /// <summary>Messages stored.</summary>
    public long PutMessages;

    /// <summary>Messages returned by pulls.</summary>
    public long GetMessages;

    /// <summary>Samples taken so far (tests wait on it).</summary>
    public int SampleCount
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public long PutTotalTodayMorning { get; private set; }

    public long PutTotalYesterdayMorning { get; private set; }

    public long GetTotalTodayMorning { get; private set; }

    public long GetTotalYesterdayMorning { get; private set; }

    /// <summary>
    /// Takes the second's sample; the first sample of a new local day moves today's morning totals to
    /// yesterday's and records the current totals as today's (RocketMQ runs this at midnight).
    /// </summary>
    public void Record(TimeProvider time)
    {
        long put = Interlocked.Read(ref PutMessages);
        long get = Interlocked.Read(ref GetMessages);
        var day = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        lock (_gate)
        {
            _samples[_next] = new Sample(time.GetTimestamp(), put, get);
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
            if (_day == default)
            {
                _day = day;
            }
            else if (day != _day)
            {
                _day = day;
                PutTotalYesterdayMorning = PutTotalTodayMorning;
                GetTotalYesterdayMorning = GetTotalTodayMorning;
                PutTotalTodayMorning = put;
                GetTotalTodayMorning = get;
            }
        }
    }

    /// <summary>Stored messages per second over 10 s, 1 min and 10 min, space separated (RocketMQ's <c>putTps</c>).</summary>
    public string PutTps(TimeProvider time) => Rates(time, static s => s.Put);

    /// <summary>Pulled messages per second over the same windows (RocketMQ's <c>getTransferedTps</c>).</summary>
    public string GetTransferredTps(TimeProvider time) => Rates(time, static s => s.Get);

    // RocketMQ leaves a window empty until it has a full window of samples, which makes clusterList print a
    // stack trace for a broker younger than ten seconds; a young broker's rate here is over what it has.
    private string Rates(TimeProvider time, Func<Sample, long> counter)
    {
        var text = new System.Text.StringBuilder();
        lock (_gate)
        {
            foreach (int window in WindowsSeconds)
            {
                if (text.Length > 0)
                {
                    text.Append(' ');
                }
                double rate = 0;
                if (_count >= 2)
                {
                    Sample last = _samples[(_next - 1 + Capacity) % Capacity];
                    int back = Math.Min(window, _count - 1);
                    Sample first = _samples[(_next - 1 - back + Capacity * 2) % Capacity];
                    double seconds = time.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds;
                    rate = seconds > 0 ? (counter(last) - counter(first)) / seconds : 0;
                }
                text.Append(rate.ToString("0.0###", CultureInfo.InvariantCulture));
            }
        }
        return text.ToString();
    }

    private readonly record struct Sample(long Timestamp, long Put, long Get);
}
