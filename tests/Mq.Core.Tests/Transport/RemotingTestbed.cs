using System.Net;
using Mq.Protocol;
using Mq.TestKit.Logging;
using Mq.Transport;

namespace Mq.Tests.Transport;

/// <summary>A server on 127.0.0.1:0 and a client, over sockets or memory.</summary>
internal sealed class RemotingTestbed : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private RemotingTestbed(RemotingServer server, RemotingClient client, ITransport transport, RecordingLoggerFactory logs, TransportOptions options)
    {
        Server = server;
        Client = client;
        ClientTransport = transport;
        Logs = logs;
        Options = options;
    }

    public RemotingServer Server { get; private set; }

    public RemotingClient Client { get; }

    public ITransport ClientTransport { get; }

    public RecordingLoggerFactory Logs { get; }

    public TransportOptions Options { get; }

    public string Address => Server.Address!;

    public static async Task<RemotingTestbed> StartAsync(TransportKind kind, TransportOptions? options = null, Action<RemotingServer>? configure = null)
    {
        options ??= new TransportOptions();
        var logs = new RecordingLoggerFactory();
        ITransport serverTransport = kind == TransportKind.Memory ? new MemoryTransport(options) : new SocketTransport(options, logs);
        ITransport clientTransport = kind == TransportKind.Memory ? serverTransport : new SocketTransport(options, logs);
        var server = new RemotingServer(options, serverTransport, logs);
        configure?.Invoke(server);
        await server.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var client = new RemotingClient(options, clientTransport, logs);
        return new RemotingTestbed(server, client, clientTransport, logs, options);
    }

    /// <summary>Replaces the server with a new one bound to the same end point (a restart).</summary>
    public async Task RestartServerAsync(ITransport transport, Action<RemotingServer> configure)
    {
        IPEndPoint endPoint = Server.EndPoint!;
        await Server.StopAsync();
        Server = new RemotingServer(Options, transport, Logs);
        configure(Server);
        await Server.StartAsync(endPoint);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>A handler that echoes the "echo" ext field and the body, with code SUCCESS.</summary>
    public static ValueTask<RemotingCommand?> Echo(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        if (request.ExtFields.TryGetValue("echo"u8, out ReadOnlySpan<byte> value))
        {
            response.ExtFields.Add("echo"u8, value);
        }
        response.SetBody(request.Body.ToArray());
        return ValueTask.FromResult<RemotingCommand?>(response);
    }

    public static RemotingCommand EchoRequest(string echo, SerializeType type = SerializeType.Json, int code = RequestCode.HeartBeat)
    {
        var request = RemotingCommand.CreateRequest(code, type);
        request.ExtFields.Add("echo"u8, echo);
        request.SetBody(System.Text.Encoding.UTF8.GetBytes("body-" + echo));
        return request;
    }

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting until " + what);
            }
            await Task.Delay(10);
        }
    }
}
