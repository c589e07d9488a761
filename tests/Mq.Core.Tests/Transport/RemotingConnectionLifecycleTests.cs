using System.Collections.Concurrent;
using System.Net;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Transport;
using static Mq.Tests.Transport.RemotingTestbed;

namespace Mq.Tests.Transport;

[Category("Integration")]
public sealed class RemotingConnectionLifecycleTests
{
    [Test]
    public async Task Server_calls_the_client_back_on_the_same_connection([Values] TransportKind kind)
    {
        var opened = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var notified = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s =>
        {
            s.ConnectionOpened += c => opened.TrySetResult(c);
            s.RegisterHandler(RequestCode.HeartBeat, Echo);
        });
        bed.Client.RegisterHandler(RequestCode.NotifyConsumerIdsChanged, (c, r, ct) =>
        {
            notified.TrySetResult(r.DecodeHeader<NotifyConsumerIdsChangedRequestHeader>().ConsumerGroup + (r.IsOneway ? ":oneway" : ""));
            return ValueTask.FromResult<RemotingCommand?>(null);
        });
        bed.Client.RegisterHandler(RequestCode.GetConsumerRunningInfo, (c, r, ct) =>
        {
            var header = r.DecodeHeader<GetConsumerRunningInfoRequestHeader>();
            var response = RemotingCommand.CreateResponse(r, ResponseCode.Success);
            response.SetBody(System.Text.Encoding.UTF8.GetBytes("{\"clientId\":\"" + header.ClientId + "\"}"));
            return ValueTask.FromResult<RemotingCommand?>(response);
        });

        using (await bed.Client.InvokeAsync(bed.Address, EchoRequest("hi")).WaitAsync(Patience))
        {
        }
        RemotingConnection toClient = await opened.Task.WaitAsync(Patience);

        await toClient.InvokeOnewayAsync(RemotingCommand.CreateRequest(RequestCode.NotifyConsumerIdsChanged, new NotifyConsumerIdsChangedRequestHeader { ConsumerGroup = "cg1" }));
        Assert.That(await notified.Task.WaitAsync(Patience), Is.EqualTo("cg1:oneway"));

        using RemotingCommand info = await toClient.InvokeAsync(
            RemotingCommand.CreateRequest(RequestCode.GetConsumerRunningInfo, new GetConsumerRunningInfoRequestHeader { ConsumerGroup = "cg1", ClientId = "c-1" })).WaitAsync(Patience);
        Assert.Multiple(() =>
        {
            Assert.That(info.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(System.Text.Encoding.UTF8.GetString(info.Body.Span), Is.EqualTo("{\"clientId\":\"c-1\"}"));
            Assert.That(bed.Client.Connections, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Requests_in_both_directions_at_once_keep_their_opaques_apart([Values] TransportKind kind)
    {
        var opened = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s =>
        {
            s.ConnectionOpened += c => opened.TrySetResult(c);
            s.RegisterHandler(RequestCode.HeartBeat, Echo);
        });
        bed.Client.RegisterHandler(RequestCode.HeartBeat, Echo);
        using (await bed.Client.InvokeAsync(bed.Address, EchoRequest("warm")).WaitAsync(Patience))
        {
        }
        RemotingConnection toClient = await opened.Task.WaitAsync(Patience);

        var up = Enumerable.Range(0, 200).Select(i => bed.Client.InvokeAsync(bed.Address, EchoRequest("up" + i))).ToList();
        var down = Enumerable.Range(0, 200).Select(i => toClient.InvokeAsync(EchoRequest("down" + i))).ToList();
        RemotingCommand[] ups = await Task.WhenAll(up).WaitAsync(Patience);
        RemotingCommand[] downs = await Task.WhenAll(down).WaitAsync(Patience);
        for (int i = 0; i < 200; i++)
        {
            Assert.That(ups[i].ExtFields.GetString("echo"u8), Is.EqualTo("up" + i));
            Assert.That(downs[i].ExtFields.GetString("echo"u8), Is.EqualTo("down" + i));
            ups[i].Dispose();
            downs[i].Dispose();
        }
        Assert.That(bed.Logs.WithEventId(305), Is.Empty);
    }

    [Test]
    public async Task Open_and_close_events_carry_the_ipv4_remote_address([Values] TransportKind kind)
    {
        var opened = new ConcurrentQueue<string>();
        var closed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s =>
        {
            s.ConnectionOpened += c => opened.Enqueue(c.RemoteAddress);
            s.ConnectionClosed += c => closed.TrySetResult(c.RemoteAddress);
            s.RegisterHandler(RequestCode.HeartBeat, Echo);
        });
        RemotingConnection clientSide = await bed.Client.GetConnectionAsync(bed.Address).AsTask().WaitAsync(Patience);
        using (await bed.Client.InvokeAsync(bed.Address, EchoRequest("x")).WaitAsync(Patience))
        {
        }

        Assert.That(opened, Has.Count.EqualTo(1));
        Assert.That(opened.Single(), Does.Match(@"^127\.0\.0\.1:\d+$"));
        Assert.That(clientSide.RemoteAddress, Is.EqualTo(bed.Address));

        await bed.Client.CloseConnectionAsync(bed.Address);
        Assert.That(await closed.Task.WaitAsync(Patience), Is.EqualTo(opened.Single()));
        Assert.That(clientSide.IsConnected, Is.False);
        Assert.That(clientSide.Closed.IsCancellationRequested, Is.True);
    }

    [Test]
    public async Task A_second_end_point_is_served_by_the_same_handlers([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        IPEndPoint vip = await bed.Server.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.That(vip.Port, Is.Not.EqualTo(bed.Server.EndPoint!.Port));
        Assert.That(bed.Server.EndPoints, Has.Count.EqualTo(2));
        using RemotingCommand main = await bed.Client.InvokeAsync(bed.Address, EchoRequest("main")).WaitAsync(Patience);
        using RemotingCommand second = await bed.Client.InvokeAsync("127.0.0.1:" + vip.Port, EchoRequest("vip")).WaitAsync(Patience);
        Assert.That(second.ExtFields.GetString("echo"u8), Is.EqualTo("vip"));
        Assert.That(bed.Server.Connections, Has.Count.EqualTo(2));
    }

    [Test]
    public void Ipv4_mapped_addresses_are_normalised()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:10.1.2.3"), 10911);
        Assert.That(RemotingAddress.Format(mapped), Is.EqualTo("10.1.2.3:10911"));
        Assert.That(RemotingAddress.Format(new IPEndPoint(IPAddress.IPv6Loopback, 1)), Is.EqualTo("[::1]:1"));
    }

    [Test]
    public async Task Client_reconnects_on_next_use_after_the_server_restarts([Values] TransportKind kind)
    {
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        RemotingConnection first = await bed.Client.GetConnectionAsync(bed.Address).AsTask().WaitAsync(Patience);
        using (await bed.Client.InvokeAsync(bed.Address, EchoRequest("before")).WaitAsync(Patience))
        {
        }

        ITransport serverTransport = kind == TransportKind.Memory ? bed.ClientTransport : new SocketTransport(bed.Options);
        await bed.RestartServerAsync(serverTransport, s => s.RegisterHandler(RequestCode.HeartBeat, Echo));
        await first.Completion.WaitAsync(Patience);

        using RemotingCommand after = await bed.Client.InvokeAsync(bed.Address, EchoRequest("after")).WaitAsync(Patience);
        Assert.That(after.ExtFields.GetString("echo"u8), Is.EqualTo("after"));
        RemotingConnection second = await bed.Client.GetConnectionAsync(bed.Address).AsTask().WaitAsync(Patience);
        Assert.That(second, Is.Not.SameAs(first));
    }

    [Test]
    public async Task Pending_requests_fail_when_the_connection_closes([Values] TransportKind kind)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.PullMessage, (c, r, ct) =>
        {
            held.TrySetResult();
            return ValueTask.FromResult<RemotingCommand?>(null);
        }));
        Task<RemotingCommand> call = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromSeconds(30));
        await held.Task.WaitAsync(Patience);
        foreach (RemotingConnection connection in bed.Server.Connections)
        {
            await connection.CloseAsync().WaitAsync(Patience);
        }
        var ex = Assert.ThrowsAsync<RemotingSendException>(() => call.WaitAsync(Patience));
        Assert.That(ex!.Message, Does.Contain("closed"));
    }

    [Test]
    public async Task Connecting_to_nothing_is_a_connect_exception_and_the_next_use_retries()
    {
        var options = new TransportOptions();
        await using var client = new RemotingClient(options);
        // Find a free port, then leave it unbound.
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        string address = "127.0.0.1:" + port;

        var ex = Assert.ThrowsAsync<RemotingConnectException>(() => client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.HeartBeat)).WaitAsync(Patience));
        Assert.That(ex!.Address, Is.EqualTo(address));

        await using var server = new RemotingServer(options);
        server.RegisterHandler(RequestCode.HeartBeat, Echo);
        await server.StartAsync(new IPEndPoint(IPAddress.Loopback, port));
        using RemotingCommand response = await client.InvokeAsync(address, EchoRequest("ok")).WaitAsync(Patience);
        Assert.That(response.ExtFields.GetString("echo"u8), Is.EqualTo("ok"));
    }

    [Test]
    public async Task Graceful_shutdown_answers_in_flight_requests([Values] TransportKind kind)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(kind, configure: s => s.RegisterHandler(RequestCode.SendMessageV2, async (c, r, ct) =>
        {
            started.TrySetResult();
            await gate.Task;
            return RemotingCommand.CreateResponse(r, ResponseCode.Success, "finished");
        }));

        Task<RemotingCommand> call = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.SendMessageV2), TimeSpan.FromSeconds(30));
        await started.Task.WaitAsync(Patience);
        Task stopping = bed.Server.StopAsync();
        Assert.That(stopping.IsCompleted, Is.False, "shutdown waits for the in-flight request");
        gate.SetResult();

        using RemotingCommand response = await call.WaitAsync(Patience);
        await stopping.WaitAsync(Patience);
        Assert.That(response.Remark, Is.EqualTo("finished"));
        Assert.That(bed.Server.Connections, Is.Empty);
    }

    [Test]
    public async Task Shutdown_gives_up_on_handlers_after_the_timeout()
    {
        var options = new TransportOptions { ShutdownTimeout = TimeSpan.FromMilliseconds(100) };
        var never = new TaskCompletionSource<RemotingCommand?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bed = await StartAsync(TransportKind.Socket, options, s => s.RegisterHandler(RequestCode.SendMessageV2, (c, r, ct) =>
        {
            started.TrySetResult();
            return new ValueTask<RemotingCommand?>(never.Task);
        }));
        Task<RemotingCommand> call = bed.Client.InvokeAsync(bed.Address, RemotingCommand.CreateRequest(RequestCode.SendMessageV2), TimeSpan.FromSeconds(30));
        await started.Task.WaitAsync(Patience);

        await bed.Server.StopAsync().WaitAsync(Patience);
        Assert.ThrowsAsync<RemotingSendException>(() => call.WaitAsync(Patience));
        Assert.That(bed.Logs.WithEventId(311), Has.Count.EqualTo(1));
        never.SetResult(null);
    }

    [Test]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransportOptions { RequestTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransportOptions { MaxFrameLength = 10 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RemotingClient(new TransportOptions { Backlog = 0 }));
        Assert.DoesNotThrow(() => new TransportOptions().Validate());
    }
}
