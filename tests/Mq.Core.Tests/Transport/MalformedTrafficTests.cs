using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Mq.Protocol;
using Mq.Transport;
using static Mq.Tests.Transport.RemotingTestbed;

namespace Mq.Tests.Transport;

/// <summary>A live server fed bad frames closes only the offending connection and keeps serving.</summary>
[Category("Fault")]
public sealed class MalformedTrafficTests
{
    private static readonly byte[][] BadFrames =
    [
        [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0],                           // negative length
        [0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0],                           // 16 MiB + 1: too large
        [0, 0, 0, 2, 0, 0],                                             // shorter than the header word
        [0, 0, 0, 8, 2, 0, 0, 0, 1, 2, 3, 4],                           // serialize type 2
        [0, 0, 0, 8, 0, 0, 0, 100, (byte)'{', (byte)'}', 0, 0],         // header longer than frame
        [0, 0, 0, 9, 0, 0, 0, 5, (byte)'{', (byte)'"', (byte)'a', (byte)'"', (byte)'}'], // broken JSON
        [0, 0, 0, 8, 1, 0, 0, 4, 0, 0, 0, 0],                           // binary header too short
    ];

    [Test]
    public async Task Each_bad_frame_closes_its_connection_with_a_logged_reason()
    {
        await using var bed = await StartAsync(TransportKind.Socket, configure: s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        foreach (byte[] bad in BadFrames)
        {
            using var raw = await ConnectRawAsync(bed.Server.EndPoint!);
            await raw.SendAsync(bad);
            Assert.That(await ReadUntilClosedAsync(raw), Is.Zero, "no answer to " + Convert.ToHexString(bad));
        }
        await WaitUntil(() => bed.Logs.WithEventId(304).Count == BadFrames.Length, "every bad frame is logged");
        Assert.That(bed.Logs.WithEventId(304).Select(e => e.Message), Has.Some.Contains("exceeds the maximum frame size"));

        using RemotingCommand response = await bed.Client.InvokeAsync(bed.Address, EchoRequest("still here")).WaitAsync(Patience);
        Assert.That(response.ExtFields.GetString("echo"u8), Is.EqualTo("still here"));
    }

    [Test]
    public async Task Random_traffic_never_crashes_the_server_and_a_good_client_keeps_being_served([Values(7, 42)] int seed)
    {
        var options = new TransportOptions { MaxFrameLength = 64 * 1024 };
        await using var bed = await StartAsync(TransportKind.Socket, options, s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        var random = new Random(seed);
        using var good = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        good.ExtFields.Add("echo"u8, "x");
        byte[] template = FrameBytes(good);

        using var stop = new CancellationTokenSource();
        int served = 0;
        Task wellBehaved = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using RemotingCommand r = await bed.Client.InvokeAsync(bed.Address, EchoRequest(served.ToString(System.Globalization.CultureInfo.InvariantCulture))).WaitAsync(Patience);
                Assert.That(r.ExtFields.GetRequiredInt32("echo"u8), Is.EqualTo(served));
                served++;
            }
        });

        for (int i = 0; i < 60; i++)
        {
            using var raw = await ConnectRawAsync(bed.Server.EndPoint!);
            byte[] payload = (i % 3) switch
            {
                0 => RandomBytes(random, random.Next(1, 2048)),
                1 => Mutate(template, random),
                _ => Concat(template, Mutate(template, random), RandomBytes(random, random.Next(0, 64))),
            };
            try
            {
                await raw.SendAsync(payload);
                raw.Shutdown(SocketShutdown.Send);
                await ReadUntilClosedAsync(raw);
            }
            catch (SocketException)
            {
                // the server may reset a connection it closed while we were still sending
            }
        }

        await WaitUntil(() => served >= 20, "the good client made progress");
        await stop.CancelAsync();
        await wellBehaved.WaitAsync(Patience);
        await WaitUntil(() => bed.Server.Connections.Count == 1, "only the good client's connection remains");
        using RemotingCommand last = await bed.Client.InvokeAsync(bed.Address, EchoRequest("1")).WaitAsync(Patience);
        Assert.That(last.Code, Is.EqualTo(ResponseCode.Success));
    }

    private static async Task<Socket> ConnectRawAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        return socket;
    }

    /// <summary>Reads until the server closes; returns how many bytes came back.</summary>
    private static async Task<int> ReadUntilClosedAsync(Socket socket)
    {
        byte[] buffer = new byte[4096];
        int total = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            }
            catch (SocketException)
            {
                return total; // reset
            }
            if (n == 0)
            {
                return total;
            }
            total += n;
        }
    }

    private static byte[] FrameBytes(RemotingCommand command)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        FrameCodec.Write(command, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        if (length >= 4 && random.Next(2) == 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes, random.Next(-10, 200));
        }
        return bytes;
    }

    private static byte[] Mutate(byte[] template, Random random)
    {
        byte[] copy = (byte[])template.Clone();
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }
        return copy;
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
