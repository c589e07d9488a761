using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Mq.Client.Tracing;

/// <summary>
/// Sends a client's trace records to the trace topic in the background (RocketMQ <c>AsyncTraceDispatcher</c>):
/// records wait in a bounded queue, are taken up to <see cref="BatchSize"/> at a time, grouped by the traced
/// message's topic and packed into trace messages of at most <see cref="MaxTraceMessageBytes"/> characters,
/// each indexed under the traced message ids and keys (what the Dashboard's trace view queries). Tracing never
/// slows or fails the traced send or handler: a full queue drops the record (counted, logged), a failed trace
/// send drops its records.
/// </summary>
internal sealed class MessageTraceDispatcher : IAsyncDisposable
{
    /// <summary>Records waiting to be sent before new ones are dropped (Java: 1024).</summary>
    internal const int QueueCapacity = 1024;

    /// <summary>Records taken per round (Java: 100).</summary>
    internal const int BatchSize = 100;

    /// <summary>Largest trace message body, in characters (Java: 128,000 less 10,000 of headroom).</summary>
    internal const int MaxTraceMessageBytes = 118_000;

    /// <summary>The trace producer's group (Java <c>TraceConstants.GROUP_NAME</c>).</summary>
    internal const string TraceProducerGroup = "_INNER_TRACE_PRODUCER";

    /// <summary>How long a batch that is not full waits for more records.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a stop waits for queued records to be sent.</summary>
    private static readonly TimeSpan FlushOnStopTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<TraceContext> _queue = Channel.CreateBounded<TraceContext>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Producer _producer;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;
    private readonly Dictionary<string, List<TraceContext>> _byTopic = new(StringComparer.Ordinal);
    private readonly StringBuilder _data = new(4096);
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly Encoder _encoder = Encoding.UTF8.GetEncoder();
    private byte[] _scratch = [];
    private long _dropped;
    private long _sentRecords;

    /// <summary>Creates the dispatcher of a producer or consumer whose connections it shares.</summary>
    public MessageTraceDispatcher(ClientOptions owner, ClientInstance client)
    {
        TraceTopic = owner.MessageTraceTopic;
        _logger = client.Logger;
        _producer = new Producer(new ProducerOptions
        {
            NameServerAddresses = owner.NameServerAddresses,
            ProducerGroup = TraceProducerGroup,
            SendTimeout = TimeSpan.FromSeconds(5),
            MaxMessageSize = MaxTraceMessageBytes,
        }, client);
    }

    /// <summary>The topic trace messages go to.</summary>
    public string TraceTopic { get; }

    /// <summary>Records dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records handed to a successful trace send (tests wait on it).</summary>
    internal long SentRecords => Interlocked.Read(ref _sentRecords);

    /// <summary>Whether <paramref name="topic"/> is the trace topic itself (its own sends are never traced, as Java).</summary>
    public bool IsTraceTopic(string topic) => topic.StartsWith(TraceTopic, StringComparison.Ordinal);

    /// <summary>Starts the send loop.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>Queues a record; false (and the record dropped) when the queue is full or the dispatcher stopped.</summary>
    public bool Append(TraceContext context)
    {
        if (_queue.Writer.TryWrite(context))
        {
            return true;
        }
        long dropped = Interlocked.Increment(ref _dropped);
        if ((dropped & (dropped - 1)) == 0)
        {
            // 1, 2, 4, 8, ...: a stalled trace topic must not flood the log.
            _logger.TraceRecordsDropped(dropped);
        }
        return false;
    }

    private async Task RunAsync()
    {
        ChannelReader<TraceContext> reader = _queue.Reader;
        var batch = new List<TraceContext>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                Take(reader, batch);
                if (batch.Count < BatchSize && !reader.Completion.IsCompleted)
                {
                    // A short wait lets a trickle of records share one trace message (Java polls 5 ms for each next
                    // record): one per record cost a whole send each, 16 times the traced send's own allocation.
                    // On the system clock: this is batching, not a timeout a test clock should control.
                    await Task.Delay(Linger, _abort.Token).ConfigureAwait(false);
                    Take(reader, batch);
                }
                try
                {
                    await SendAsync(batch, _abort.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Tracing must outlive a bad record: this batch is lost, the loop goes on.
                    _logger.TraceSendFailed(ex, batch.Count, TraceTopic);
                    _data.Clear();
                    _keys.Clear();
                    foreach (List<TraceContext> group in _byTopic.Values)
                    {
                        group.Clear();
                    }
                }
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Stop timed out: what is still queued is dropped.
        }
    }

    private static void Take(ChannelReader<TraceContext> reader, List<TraceContext> batch)
    {
        while (batch.Count < BatchSize && reader.TryRead(out TraceContext? context))
        {
            batch.Add(context);
        }
    }

    private async Task SendAsync(List<TraceContext> batch, CancellationToken cancellationToken)
    {
        // One trace message (or more, when large) per traced topic, as Java groups them. The grouping lists, the
        // text and the key set live as long as the dispatcher (one loop uses them).
        foreach (TraceContext context in batch)
        {
            if (context.Beans.Count == 0)
            {
                continue;
            }
            string topic = context.Beans[0].Topic ?? string.Empty;
            if (!_byTopic.TryGetValue(topic, out List<TraceContext>? group))
            {
                _byTopic[topic] = group = [];
            }
            group.Add(context);
        }
        foreach (List<TraceContext> group in _byTopic.Values)
        {
            int records = 0;
            foreach (TraceContext context in group)
            {
                TraceDataEncoder.Encode(context, _data, _keys);
                records++;
                if (_data.Length >= MaxTraceMessageBytes)
                {
                    await SendOneAsync(records, cancellationToken).ConfigureAwait(false);
                    records = 0;
                }
            }
            if (records > 0)
            {
                await SendOneAsync(records, cancellationToken).ConfigureAwait(false);
            }
            group.Clear();
        }
        if (_byTopic.Count > 64)
        {
            _byTopic.Clear();
        }
    }

    private async Task SendOneAsync(int records, CancellationToken cancellationToken)
    {
        var message = new Message(TraceTopic, Utf8(_data, _encoder, ref _scratch)) { Keys = string.Join(' ', _keys) };
        _data.Clear();
        _keys.Clear();
        try
        {
            await _producer.SendAsync(message, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _sentRecords, records);
        }
        catch (Exception ex) when (!_abort.IsCancellationRequested)
        {
            _logger.TraceSendFailed(ex, records, TraceTopic);
        }
    }

    // The text's UTF-8 bytes, encoded from the builder's chunks into a buffer kept across batches (no intermediate
    // string), then copied once to their exact size. One encoder carries a surrogate pair split across chunks over.
    internal static byte[] Utf8(StringBuilder data, Encoder encoder, ref byte[] scratch)
    {
        int max = Encoding.UTF8.GetMaxByteCount(data.Length);
        if (scratch.Length < max)
        {
            scratch = new byte[Math.Max(max, scratch.Length * 2)];
        }
        encoder.Reset();
        int at = 0;
        foreach (ReadOnlyMemory<char> chunk in data.GetChunks())
        {
            at += encoder.GetBytes(chunk.Span, scratch.AsSpan(at), flush: false);
        }
        at += encoder.GetBytes([], scratch.AsSpan(at), flush: true);
        return scratch.AsSpan(0, at).ToArray();
    }

    /// <summary>
    /// Stops taking records and sends what is queued (up to five seconds; Java's shutdown flush waits half a
    /// second); call it before the shared client closes its connections.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(FlushOnStopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await _abort.CancelAsync().ConfigureAwait(false);
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _abort.Dispose();
    }
}
