using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Mq.Transport;

/// <summary>
/// Connections as pairs of in-memory pipes, behind the same seam as sockets (tests and same-process
/// nodes). Listeners are keyed by port inside one instance: share the instance between the server
/// and its clients. Port 0 picks an unused port.
/// </summary>
internal sealed class MemoryTransport : ITransport
{
    private readonly ConcurrentDictionary<int, MemoryListener> _listeners = new();
    private readonly TransportOptions _options;
    private int _nextPort = 20000;
    private long _nextId;

    public MemoryTransport(TransportOptions? options = null)
    {
        _options = options ?? new TransportOptions();
    }

    public ValueTask<ITransportListener> BindAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        int port = endPoint.Port;
        while (true)
        {
            if (endPoint.Port == 0)
            {
                port = Interlocked.Increment(ref _nextPort);
            }
            var listener = new MemoryListener(this, new IPEndPoint(endPoint.Address, port));
            if (_listeners.TryAdd(port, listener))
            {
                return ValueTask.FromResult<ITransportListener>(listener);
            }
            if (endPoint.Port != 0)
            {
                throw new SocketException((int)SocketError.AddressAlreadyInUse);
            }
        }
    }

    public ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken = default)
    {
        if (!_listeners.TryGetValue(endPoint.Port, out MemoryListener? listener))
        {
            throw new SocketException((int)SocketError.ConnectionRefused);
        }
        var toServer = new Pipe(PipeOptions());
        var toClient = new Pipe(PipeOptions());
        long id = Interlocked.Increment(ref _nextId);
        var clientEnd = new IPEndPoint(IPAddress.Loopback, 40000 + (int)(id % 20000));
        var client = new MemoryConnection("M" + id.ToString(CultureInfo.InvariantCulture) + "c", toClient.Reader, toServer.Writer, clientEnd, listener.EndPoint);
        var server = new MemoryConnection("M" + id.ToString(CultureInfo.InvariantCulture) + "s", toServer.Reader, toClient.Writer, (IPEndPoint)listener.EndPoint, clientEnd);
        if (!listener.Offer(server))
        {
            throw new SocketException((int)SocketError.ConnectionRefused);
        }
        return ValueTask.FromResult<ITransportConnection>(client);
    }

    private PipeOptions PipeOptions() => new(
        readerScheduler: PipeScheduler.ThreadPool,
        writerScheduler: PipeScheduler.ThreadPool,
        pauseWriterThreshold: _options.MaxReadBufferSize,
        resumeWriterThreshold: _options.MaxReadBufferSize / 2,
        useSynchronizationContext: false);

    private sealed class MemoryListener(MemoryTransport owner, IPEndPoint endPoint) : ITransportListener
    {
        private readonly Channel<ITransportConnection> _pending = Channel.CreateUnbounded<ITransportConnection>();

        public EndPoint EndPoint { get; } = endPoint;

        public bool Offer(ITransportConnection connection) => _pending.Writer.TryWrite(connection);

        public async ValueTask<ITransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            owner._listeners.TryRemove(new KeyValuePair<int, MemoryListener>(((IPEndPoint)EndPoint).Port, this));
            _pending.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => UnbindAsync();
    }

    private sealed class MemoryConnection(string id, PipeReader input, PipeWriter output, EndPoint local, EndPoint remote)
        : ITransportConnection, IDuplexPipe
    {
        public string Id { get; } = id;

        public IDuplexPipe Transport => this;

        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;

        public EndPoint? LocalEndPoint { get; } = local;

        public EndPoint? RemoteEndPoint { get; } = remote;

        /// <summary>Wakes the application's pending read and flush; it then closes its ends.</summary>
        public void Abort()
        {
            Input.CancelPendingRead();
            Output.CancelPendingFlush();
        }

        public ValueTask DisposeAsync()
        {
            Abort();
            return ValueTask.CompletedTask;
        }
    }
}
