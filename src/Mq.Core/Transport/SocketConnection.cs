using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Mq.Transport;

/// <summary>
/// A socket with two pipes and two loops (the shape of Kestrel's <c>SocketConnection</c>): the receive
/// loop fills the input pipe and stops reading while the application is behind (pause threshold); the
/// send loop drains the output pipe into the socket. The send loop resumes inline on the writer's
/// flush, so a response is usually sent on the thread that produced it, without a hop.
/// </summary>
internal sealed class SocketConnection : ITransportConnection
{
    private const int MinimumReceiveSegment = 4096;
    private const int MaxGatherSegments = 64;
    private static readonly TimeSpan FlushOnCloseTimeout = TimeSpan.FromSeconds(2);

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly ILogger _logger;
    private readonly List<ArraySegment<byte>> _gather = new(MaxGatherSegments);
    private Task _receiveTask = Task.CompletedTask;
    private Task _sendTask = Task.CompletedTask;
    private int _aborted;

    public SocketConnection(Socket socket, TransportOptions options, ILogger logger, long id)
    {
        _socket = socket;
        _logger = logger;
        Id = "S" + id.ToString(CultureInfo.InvariantCulture);
        LocalEndPoint = RemotingAddress.Normalize(socket.LocalEndPoint);
        RemoteEndPoint = RemotingAddress.Normalize(socket.RemoteEndPoint);
        PipeScheduler appScheduler = options.InlineHandlers ? PipeScheduler.Inline : PipeScheduler.ThreadPool;
        _input = new Pipe(new PipeOptions(
            readerScheduler: appScheduler,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: options.MaxReadBufferSize,
            resumeWriterThreshold: options.MaxReadBufferSize / 2,
            useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.ThreadPool,
            pauseWriterThreshold: options.MaxWriteBufferSize,
            resumeWriterThreshold: options.MaxWriteBufferSize / 2,
            useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
    }

    public string Id { get; }

    public IDuplexPipe Transport { get; }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }

    public void Start()
    {
        _receiveTask = ReceiveLoopAsync();
        _sendTask = SendLoopAsync();
    }

    public void Abort()
    {
        if (Interlocked.Exchange(ref _aborted, 1) != 0)
        {
            return;
        }
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already disconnected
        }
        catch (ObjectDisposedException)
        {
            // already closed
        }
        _socket.Dispose();
        _output.Reader.CancelPendingRead();
    }

    /// <summary>
    /// Closes the connection. For a graceful close the application completes its Output first; what it
    /// queued is then sent (bounded by <see cref="FlushOnCloseTimeout"/>) before the socket closes.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _sendTask.WaitAsync(FlushOnCloseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The peer does not read: give up on the rest.
        }
        Abort();
        await _sendTask.ConfigureAwait(false);
        await _receiveTask.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter writer = _input.Writer;
        try
        {
            while (true)
            {
                Memory<byte> memory = writer.GetMemory(MinimumReceiveSegment);
                int received = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break; // the peer closed its sending side
                }
                writer.Advance(received);
                FlushResult result = await writer.FlushAsync().ConfigureAwait(false);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break; // the application stopped reading
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (Volatile.Read(ref _aborted) == 0)
            {
                _logger.ConnectionError(ex, Id);
                error = new IOException("connection " + Id + " failed: " + ex.Message, ex);
            }
        }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
        }
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }
                System.Buffers.ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    if (buffer.IsSingleSegment)
                    {
                        await _socket.SendAsync(buffer.First, SocketFlags.None).ConfigureAwait(false);
                    }
                    else
                    {
                        await SendGatheredAsync(buffer).ConfigureAwait(false);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (Volatile.Read(ref _aborted) == 0)
            {
                _logger.ConnectionError(ex, Id);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            // Everything queued has been sent (or the socket is gone): tell the peer we are done and
            // make the receive loop end, which completes the application's input.
            Abort();
        }
    }

    /// <summary>
    /// Sends a multi-segment buffer (a batch of frames) with one gathered send per
    /// <see cref="MaxGatherSegments"/> segments instead of one send per segment.
    /// </summary>
    private async Task SendGatheredAsync(System.Buffers.ReadOnlySequence<byte> buffer)
    {
        List<ArraySegment<byte>> gather = _gather;
        gather.Clear();
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            if (segment.IsEmpty)
            {
                continue;
            }
            if (!System.Runtime.InteropServices.MemoryMarshal.TryGetArray(segment, out ArraySegment<byte> array))
            {
                await FlushGatheredAsync(gather).ConfigureAwait(false);
                await _socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                continue;
            }
            gather.Add(array);
            if (gather.Count == MaxGatherSegments)
            {
                await FlushGatheredAsync(gather).ConfigureAwait(false);
            }
        }
        await FlushGatheredAsync(gather).ConfigureAwait(false);
    }

    private async Task FlushGatheredAsync(List<ArraySegment<byte>> gather)
    {
        if (gather.Count == 1)
        {
            await _socket.SendAsync(gather[0], SocketFlags.None).ConfigureAwait(false);
        }
        else if (gather.Count > 1)
        {
            await _socket.SendAsync(gather, SocketFlags.None).ConfigureAwait(false);
        }
        gather.Clear();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
