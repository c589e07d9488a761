using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mq.Storage.Abstractions;
using Mq.Storage.Threading;

namespace Mq.Storage.Ha;

/// <summary>
/// The slave side of classic HA (RocketMQ <c>HAService.HAClient</c>): connects to the master's HA address,
/// reports its commit-log max offset, appends every data frame at exactly its master offset through
/// <see cref="IReplicationSink"/>, and reconnects with back-off. A frame that does not start at the local
/// end is never written: the connection is dropped and re-established from the real local max offset.
/// </summary>
public sealed partial class HaClient : IAsyncDisposable
{
    private const int FrameHeaderLength = 12;
    private const int MaxFrameSize = 64 * 1024 * 1024;

    private readonly IReplicationSink _sink;
    private readonly HaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly AsyncSignal _addressChanged = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly byte[] _reportBuffer = new byte[8];
    private readonly byte[] _heartbeatBuffer = new byte[8];
    private volatile string? _masterAddress;
    private volatile CancellationTokenSource? _session;
    private Task _loop = Task.CompletedTask;
    private long _lastReceive;
    private long _lastReport;
    private long _mismatches;
    private volatile bool _connected;
    private int _started;
    private int _disposed;

    /// <summary>Creates a client appending into <paramref name="sink"/> (the slave's store, in slave role).</summary>
    public HaClient(IReplicationSink sink, HaOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _sink = sink;
        _options = options.Clone();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HaClient>();
    }

    /// <summary>The master's HA address ("host:port"), or null while unknown.</summary>
    public string? MasterAddress => _masterAddress;

    /// <summary>Whether a connection to the master is open right now.</summary>
    public bool IsConnected => _connected;

    /// <summary>Data frames refused because they did not start at the local end (each one dropped the connection).</summary>
    public long OffsetMismatches => Interlocked.Read(ref _mismatches);

    /// <summary>
    /// Sets the master's HA address ("host:port", e.g. REGISTER_BROKER's <c>haServerAddr</c>); null disconnects.
    /// A different address drops the current connection and connects to the new one.
    /// </summary>
    public void UpdateMasterAddress(string? address)
    {
        if (address is not null && !TryParse(address, out _))
        {
            throw new ArgumentException($"'{address}' is not a host:port address.", nameof(address));
        }
        if (string.Equals(address, _masterAddress, StringComparison.Ordinal))
        {
            return;
        }
        _masterAddress = address;
        HaLog.MasterAddressChanged(_logger, address ?? "(none)");
        try
        {
            _session?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That session just ended on its own; the loop reads the new address next.
        }
        _addressChanged.Set();
    }

    /// <summary>Starts the connect/replicate loop (it waits for an address when none is set).</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The HA client is already started.");
        }
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        TimeSpan delay = _options.ReconnectDelay;
        var stopping = _stop.Token;
        while (!stopping.IsCancellationRequested)
        {
            string? address = _masterAddress;
            if (address is null)
            {
                // DisposeAsync sets the signal too, so this wakes for shutdown.
                await _addressChanged.WaitAsync().ConfigureAwait(false);
                continue;
            }
            bool progressed = false;
            using (var session = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                _session = session;
                if (!string.Equals(address, _masterAddress, StringComparison.Ordinal))
                {
                    continue;
                }
                try
                {
                    progressed = await SessionAsync(address, session.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Whatever ends a session (network, protocol, store) the loop survives and reconnects.
                    if (stopping.IsCancellationRequested)
                    {
                        return;
                    }
                    if (!_connected && ex is SocketException)
                    {
                        HaLog.ClientConnectFailed(_logger, address, delay, ex);
                    }
                    else if (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
                    {
                        HaLog.ClientDisconnected(_logger, address, ex.Message);
                    }
                    else
                    {
                        HaLog.SessionFailed(_logger, address, ex);
                    }
                }
                finally
                {
                    _connected = false;
                    _session = null;
                }
            }
            if (progressed)
            {
                delay = _options.ReconnectDelay;
            }
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!progressed)
            {
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectDelayMax.Ticks));
            }
        }
    }

    /// <summary>Stops replicating and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _addressChanged.Set();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _stop.Dispose();
        _sendLock.Dispose();
    }

    private static bool TryParse(string address, out EndPoint endPoint)
    {
        endPoint = null!;
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            || port is <= 0 or > 65535)
        {
            return false;
        }
        string host = address[..colon];
        endPoint = IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
        return true;
    }
}
