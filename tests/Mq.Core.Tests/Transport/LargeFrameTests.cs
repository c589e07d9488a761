using Mq.Protocol;
using Mq.Transport;
using static Mq.Tests.Transport.RemotingTestbed;

namespace Mq.Tests.Transport;

/// <summary>Frames larger than the read buffer's pause threshold still flow (no back-pressure deadlock).</summary>
[Category("Integration")]
public sealed class LargeFrameTests
{
    [Test]
    public async Task Frames_larger_than_the_read_buffer_round_trip([Values] TransportKind kind, [Values(4096, 1024 * 1024)] int readBuffer)
    {
        var options = new TransportOptions { MaxReadBufferSize = readBuffer, MaxWriteBufferSize = readBuffer };
        await using var bed = await StartAsync(kind, options, s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        var random = new Random(5);
        var calls = new List<(byte[] Body, Task<RemotingCommand> Call)>();
        foreach (int size in new[] { 4 * 1024 * 1024, 100, readBuffer / 2 + 1, 3 * readBuffer + 7, 0 })
        {
            byte[] body = new byte[size];
            random.NextBytes(body);
            var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat, size % 2 == 0 ? SerializeType.Json : SerializeType.RocketMq);
            request.SetBody(body);
            calls.Add((body, bed.Client.InvokeAsync(bed.Address, request, TimeSpan.FromSeconds(20))));
        }
        foreach ((byte[] body, Task<RemotingCommand> call) in calls)
        {
            using RemotingCommand response = await call.WaitAsync(Patience);
            Assert.That(response.Body.Span.SequenceEqual(body), Is.True, "body of " + body.Length + " bytes");
        }
    }

    [Test]
    public async Task A_frame_over_the_maximum_closes_the_connection_before_it_is_buffered()
    {
        var options = new TransportOptions { MaxFrameLength = 64 * 1024 };
        await using var bed = await StartAsync(TransportKind.Socket, options, s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        request.SetBody(new byte[128 * 1024]);
        // The client refuses nothing on the way out; the server closes the connection on the length prefix.
        Assert.ThrowsAsync<RemotingSendException>(() => bed.Client.InvokeAsync(bed.Address, request, TimeSpan.FromSeconds(20)).WaitAsync(Patience));
        await WaitUntil(() => bed.Logs.WithEventId(304).Count == 1, "the reason is logged");
        using RemotingCommand ok = await bed.Client.InvokeAsync(bed.Address, EchoRequest("small")).WaitAsync(Patience);
        Assert.That(ok.Code, Is.EqualTo(ResponseCode.Success));
    }
}
