using Mq.Protocol;
using Mq.Transport;
using static Mq.Tests.Transport.RemotingTestbed;

namespace Mq.Tests.Transport;

[Category("Integration")]
public sealed class DispatchModeTests
{
    [Test]
    public async Task Thread_pool_dispatch_serves_requests_like_inline_dispatch([Values] TransportKind kind)
    {
        var options = new TransportOptions { InlineHandlers = false };
        int receiveThread = -1;
        await using var bed = await StartAsync(kind, options, s => s.RegisterHandler(RequestCode.HeartBeat, (c, r, ct) =>
        {
            Interlocked.Exchange(ref receiveThread, Environment.CurrentManagedThreadId);
            return Echo(c, r, ct);
        }));
        var calls = Enumerable.Range(0, 64).Select(i => bed.Client.InvokeAsync(bed.Address, EchoRequest(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToList();
        RemotingCommand[] responses = await Task.WhenAll(calls).WaitAsync(Patience);
        for (int i = 0; i < responses.Length; i++)
        {
            Assert.That(responses[i].ExtFields.GetRequiredInt32("echo"u8), Is.EqualTo(i));
            responses[i].Dispose();
        }
        Assert.That(receiveThread, Is.Not.EqualTo(-1));
    }

    [Test]
    public async Task A_request_that_cannot_be_encoded_fails_its_caller_and_the_connection_carries_on()
    {
        await using var bed = await StartAsync(TransportKind.Memory, configure: s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        // ROCKETMQ binary headers carry the code in 16 bits; 40000 does not fit.
        var ex = Assert.ThrowsAsync<RemotingSendException>(() => bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(40000, SerializeType.RocketMq)).WaitAsync(Patience));
        Assert.That(ex!.Message, Does.Contain("does not fit"));
        using RemotingCommand ok = await bed.Client.InvokeAsync(bed.Address, EchoRequest("next")).WaitAsync(Patience);
        Assert.That(ok.ExtFields.GetString("echo"u8), Is.EqualTo("next"));
    }

    [Test]
    public async Task A_response_can_carry_the_retained_request_body([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.HeartBeat, (c, r, ct) =>
        {
            var response = RemotingCommand.CreateResponse(r, ResponseCode.Success);
            response.SetBody(r.Body, r.Retain()); // no copy: the request lives until the response is written
            return ValueTask.FromResult<RemotingCommand?>(response);
        }));
        var random = new Random(3);
        var calls = new List<(byte[] Body, Task<RemotingCommand> Call)>();
        for (int i = 0; i < 200; i++)
        {
            byte[] body = new byte[random.Next(1, 5000)];
            random.NextBytes(body);
            var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
            request.SetBody(body);
            calls.Add((body, bed.Client.InvokeAsync(bed.Address, request)));
        }
        foreach ((byte[] body, Task<RemotingCommand> call) in calls)
        {
            using RemotingCommand response = await call.WaitAsync(Patience);
            Assert.That(response.Body.Span.SequenceEqual(body), Is.True);
        }
    }

    [Test]
    public void Retained_command_keeps_its_buffers_until_the_last_release()
    {
        using var source = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        source.SetBody(new byte[] { 1, 2, 3 });
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        Mq.Protocol.FrameCodec.Write(source, writer);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(writer.WrittenMemory);
        Assert.That(Mq.Protocol.FrameCodec.TryParse(ref sequence, out RemotingCommand? decoded), Is.True);
        decoded!.Retain();
        decoded.Dispose();
        Assert.That(decoded.Body.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        decoded.Dispose(); // the last release: the command is back in the pool and must not be read again
    }
}
