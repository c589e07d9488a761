using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Mq.Benchmarks.Transport;

/// <summary>
/// The baseline's client: a pipelines connection with a receive loop that completes waiters in
/// order (an echo preserves order) and writes serialised by a lock. The least a request/response
/// client over pipelines needs; no protocol, no opaque table.
/// </summary>
internal sealed class BareEchoClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly ConcurrentQueue<TaskCompletionSource> _waiters = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _receiveLoop;

    private BareEchoClient(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(stream);
        _writer = PipeWriter.Create(stream);
        _receiveLoop = ReceiveLoopAsync();
    }

    public static async Task<BareEchoClient> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).ConfigureAwait(false);
        return new BareEchoClient(socket);
    }

    /// <summary>Sends one frame and waits for its echo.</summary>
    public async Task RoundTripAsync(ReadOnlyMemory<byte> frame)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            _waiters.Enqueue(waiter);
            _writer.Write(frame.Span);
            await _writer.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
        await waiter.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Shutdown(SocketShutdown.Both);
        await _writer.CompleteAsync().ConfigureAwait(false); // disposes the stream and the socket
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        _writeLock.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                ReadResult result = await _reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (BareEchoServer.TryTakeFrame(ref buffer, out _))
                {
                    if (_waiters.TryDequeue(out TaskCompletionSource? waiter))
                    {
                        waiter.TrySetResult();
                    }
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
    }
}
