using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Mq.Protocol;

namespace Mq.Benchmarks.Client;

/// <summary>
/// A loopback endpoint answering every request with one canned SEND_MESSAGE success (ROCKETMQ binary header,
/// opaque patched in place), allocation-free per request, so a memory diagnoser sees the client's bytes only.
/// Not a broker: nothing is stored.
/// </summary>
internal sealed class FakeSendBroker : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stopping = new();
    private readonly byte[] _response;
    private readonly int _opaqueOffset;
    private readonly List<Task> _connections = [];
    private readonly Task _accept;

    public FakeSendBroker()
    {
        const int Sentinel = 0x5A5A5A5A;
        using var response = RemotingCommand.CreateResponse(Sentinel, SerializeType.RocketMq, ResponseCode.Success);
        response.ExtFields.Add("msgId"u8, "7F00000100002A9F0000000000001234"u8);
        response.ExtFields.Add("queueId"u8, 0);
        response.ExtFields.Add("queueOffset"u8, 42);
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(response, writer);
        _response = writer.WrittenSpan.ToArray();
        Span<byte> sentinel = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(sentinel, Sentinel);
        _opaqueOffset = _response.AsSpan().IndexOf(sentinel);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        Address = "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _accept = Task.Run(AcceptLoopAsync);
    }

    public string Address { get; }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accept.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket = await _listener.AcceptAsync(_stopping.Token);
            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.Add(Task.Run(() => ServeAsync(socket)));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            byte[] buffer = new byte[1 << 20];
            byte[] reply = (byte[])_response.Clone();
            int filled = 0;
            try
            {
                while (true)
                {
                    int read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stopping.Token);
                    if (read == 0)
                    {
                        return;
                    }
                    filled += read;
                    int consumed = 0;
                    while (filled - consumed >= 8)
                    {
                        int total = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(consumed));
                        if (filled - consumed < 4 + total)
                        {
                            break;
                        }
                        if (TryReadRequest(buffer.AsSpan(consumed + 4, total), out int opaque, out bool oneway) && !oneway)
                        {
                            BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(_opaqueOffset), opaque);
                            await socket.SendAsync(reply.AsMemory(), SocketFlags.None, _stopping.Token);
                        }
                        consumed += 4 + total;
                    }
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
                    filled -= consumed;
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    // The request's opaque and oneway flag from its JSON or binary header.
    private static bool TryReadRequest(ReadOnlySpan<byte> frame, out int opaque, out bool oneway)
    {
        int mark = BinaryPrimitives.ReadInt32BigEndian(frame);
        int headerLength = mark & 0xFFFFFF;
        ReadOnlySpan<byte> header = frame.Slice(4, headerLength);
        opaque = 0;
        int flag = 0;
        if ((mark >>> 24) == (int)SerializeType.RocketMq)
        {
            opaque = BinaryPrimitives.ReadInt32BigEndian(header[5..]);
            flag = BinaryPrimitives.ReadInt32BigEndian(header[9..]);
        }
        else
        {
            var reader = new Utf8JsonReader(header);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    if (reader.ValueTextEquals("opaque"u8))
                    {
                        reader.Read();
                        opaque = reader.GetInt32();
                    }
                    else if (reader.ValueTextEquals("flag"u8))
                    {
                        reader.Read();
                        flag = reader.GetInt32();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }
        oneway = (flag & RemotingCommand.OnewayFlag) != 0;
        return true;
    }
}
