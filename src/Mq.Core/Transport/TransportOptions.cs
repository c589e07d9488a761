using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// Settings of the remoting transport (listeners, client connections and the request/response layer).
/// Bindable from configuration; validated once when a server or client starts.
/// </summary>
public sealed class TransportOptions
{
    /// <summary>
    /// Default time to wait for a response. Default 3 s (Java's <c>timeoutMillis</c> for most calls).
    /// Risk: too short fails slow-but-healthy calls; too long delays failover to another broker.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Time allowed to open a TCP connection. Default 3 s (Java's <c>connectTimeoutMillis</c>).
    /// Risk: too long stalls callers on a dead address.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Largest accepted frame, length prefix included. Default 16 MiB (Java's <c>frameMaxLength</c>).
    /// A larger, negative or malformed frame closes that connection. Risk: raising it lets one peer
    /// make the node buffer that much memory per connection.
    /// </summary>
    public int MaxFrameLength { get; set; } = FrameCodec.DefaultMaxFrameLength;

    /// <summary>
    /// Bytes received but not yet parsed after which a connection stops reading from its socket
    /// (back-pressure). Default 1 MiB; a frame larger than this is still read whole. Risk: too small
    /// throttles large pulls/sends; too large costs memory per slow connection.
    /// </summary>
    public long MaxReadBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes queued for sending (answers not yet taken by the socket) above which a server connection stops
    /// reading further requests until the queue drains below half of it (back-pressure, like Netty's write
    /// buffer high/low water marks with auto-read off): a peer that sends requests but does not read its
    /// answers cannot make the node buffer without bound. Default 1 MiB (the queue plus the pipe hold at
    /// most about twice this, plus the answers of requests already being handled). Risk: too small
    /// serialises large responses; too large lets each slow consumer hold that much memory.
    /// </summary>
    public long MaxWriteBufferSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// A server connection with no bytes read and no write completed for this long is closed (Java
    /// <c>serverChannelMaxIdleTimeSeconds</c>, an all-idle <c>IdleStateHandler</c>). Default 120 s;
    /// <see cref="TimeSpan.Zero"/> disables it. Client connections are not closed for idleness (Java
    /// clients have their own 120 s idle close; ours keep heartbeating instead). A connection whose peer
    /// stopped reading also counts as idle once its reads are paused by back-pressure. Risk: shorter than
    /// the clients' heartbeat interval (30 s) closes healthy idle clients; longer keeps dead peers' memory.
    /// </summary>
    public TimeSpan ChannelMaxIdleTime { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long a graceful shutdown waits for in-flight requests to be answered before closing
    /// connections. Default 5 s. Risk: too short drops answers; too long delays process exit.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Run request handlers on the connection's receive loop (true, default) instead of queuing each
    /// request to the thread pool. Inline dispatch saves a thread hop per request; handlers must then
    /// never block (they are async and return quickly). Risk: a blocking handler stalls its connection.
    /// </summary>
    public bool InlineHandlers { get; set; } = true;

    /// <summary>Disable Nagle's algorithm (TCP_NODELAY). Default true, as Java (<c>tcpNoDelay</c>). Risk: false adds latency.</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Listen backlog. Default 1024 (Java's <c>serverSocketBacklog</c>). Risk: too small refuses bursts of connects.</summary>
    public int Backlog { get; set; } = 1024;

    /// <summary>Checks every value; throws <see cref="ArgumentOutOfRangeException"/> naming the bad one.</summary>
    public void Validate()
    {
        Positive(RequestTimeout, nameof(RequestTimeout));
        Positive(ConnectTimeout, nameof(ConnectTimeout));
        if (ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "must not be negative");
        }
        if (MaxFrameLength < 64)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFrameLength), MaxFrameLength, "must be at least 64 bytes");
        }
        if (MaxReadBufferSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxReadBufferSize), MaxReadBufferSize, "must be at least 4096 bytes");
        }
        if (MaxWriteBufferSize < 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxWriteBufferSize), MaxWriteBufferSize, "must be at least 4096 bytes");
        }
        if (ChannelMaxIdleTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ChannelMaxIdleTime), ChannelMaxIdleTime, "must not be negative (zero disables it)");
        }
        if (Backlog < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Backlog), Backlog, "must be positive");
        }
    }

    /// <summary>A copy, so a running server is not affected by later changes to the options object.</summary>
    internal TransportOptions Snapshot() => (TransportOptions)MemberwiseClone();

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
        }
    }
}
