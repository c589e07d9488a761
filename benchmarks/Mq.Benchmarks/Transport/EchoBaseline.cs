using System.Buffers;
using Mq.Protocol;

namespace Mq.Benchmarks.Transport;

/// <summary>
/// The transport baseline shared by request/response benchmarks: a <see cref="BareEchoServer"/>, one
/// connected <see cref="BareEchoClient"/>, and a frame the size of a given remoting request, echoed back
/// per round trip. What a request/response over pipelines costs with no protocol at all.
/// </summary>
internal sealed class EchoBaseline : IAsyncDisposable
{
    private readonly BareEchoServer _server;
    private readonly BareEchoClient _client;
    private readonly byte[] _frame;

    private EchoBaseline(BareEchoServer server, BareEchoClient client, byte[] frame)
    {
        _server = server;
        _client = client;
        _frame = frame;
    }

    /// <summary>Starts the echo server and connects; each round trip sends a frame of <paramref name="probe"/>'s encoded size.</summary>
    public static async Task<EchoBaseline> StartAsync(RemotingCommand probe)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(probe, writer);
        var server = new BareEchoServer();
        BareEchoClient client = await BareEchoClient.ConnectAsync(server.EndPoint).ConfigureAwait(false);
        return new EchoBaseline(server, client, writer.WrittenSpan.ToArray());
    }

    /// <summary>One round trip.</summary>
    public Task RoundTripAsync() => _client.RoundTripAsync(_frame);

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync().ConfigureAwait(false);
        await _server.DisposeAsync().ConfigureAwait(false);
    }
}
