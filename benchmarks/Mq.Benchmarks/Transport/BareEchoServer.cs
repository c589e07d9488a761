using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Mq.Benchmarks.Transport;

/// <summary>
/// The baseline: a System.IO.Pipelines echo over a socket with the same 4-byte length framing as a
/// remoting frame and no protocol. Every complete frame read is written back; one flush per read.
/// </summary>
internal sealed class BareEchoServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _accepted = [];
    private readonly Task _acceptLoop;

    public BareEchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        lock (_accepted)
        {
            foreach (Socket socket in _accepted)
            {
                socket.Dispose();
            }
        }
        try
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket socket = await _listener.AcceptAsync().ConfigureAwait(false);
            socket.NoDelay = true;
            lock (_accepted)
            {
                _accepted.Add(socket);
            }
            _ = EchoAsync(socket);
        }
    }

    private static async Task EchoAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: true);
        PipeReader reader = PipeReader.Create(stream);
        PipeWriter writer = PipeWriter.Create(stream);
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool wrote = false;
                while (TryTakeFrame(ref buffer, out ReadOnlySequence<byte> frame))
                {
                    foreach (ReadOnlyMemory<byte> segment in frame)
                    {
                        writer.Write(segment.Span);
                    }
                    wrote = true;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    await writer.FlushAsync().ConfigureAwait(false);
                }
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
            await reader.CompleteAsync().ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Takes one length-prefixed frame (prefix included).</summary>
    public static bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < 4)
        {
            return false;
        }
        Span<byte> prefix = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(prefix);
        int length = BinaryPrimitives.ReadInt32BigEndian(prefix);
        if (buffer.Length < 4 + length)
        {
            return false;
        }
        frame = buffer.Slice(0, 4 + length);
        buffer = buffer.Slice(frame.End);
        return true;
    }
}
