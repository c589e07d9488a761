using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Mq.Hosting;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit.Logging;
using Mq.TestKit.NameServers;

namespace Mq.Tests.Hosting;

/// <summary>NameServers composed with <c>services.AddRocketMq()</c> in a generic host, over loopback TCP.</summary>
[Category("Integration")]
public sealed class NameServerHostingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static void Loopback(NameServerOptions o)
    {
        o.ListenAddress = "127.0.0.1";
        o.ListenPort = 0;
    }

    [Test]
    public async Task Host_starts_the_name_server_serves_routes_and_stops_cleanly()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        var logs = new RecordingLoggerFactory();
        builder.Services.AddSingleton<ILoggerFactory>(logs);
        builder.Services.AddRocketMq().AddNameServer(Loopback);
        using IHost host = builder.Build();
        NameServerHost node = host.Services.GetRequiredService<NameServerHost>();
        Assert.That(node.IsRunning, Is.False);
        Assert.That(() => node.Address, Throws.InvalidOperationException.With.Message.Contains("not running"));

        await host.StartAsync().WaitAsync(Patience);
        string address = node.Address;
        await using var broker = new TestBroker();
        RemotingReply registered = await broker.RegisterAsync(address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        RemotingReply route = await broker.RouteAsync(address, "TopicA");

        Assert.Multiple(() =>
        {
            Assert.That(node.EndPoint.Port, Is.GreaterThan(0));
            Assert.That(address, Is.EqualTo("127.0.0.1:" + node.EndPoint.Port));
            Assert.That(host.Services.GetRequiredKeyedService<NameServerHost>(Options.DefaultName), Is.SameAs(node));
            Assert.That(registered.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(route.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(TopicRouteData.Decode(route.Body).QueueDatas.Single().BrokerName, Is.EqualTo("broker-a"));
            Assert.That(logs.WithEventId(400).Single().Message, Does.Contain(address), "logs through the host's logger factory");
        });

        await host.StopAsync().WaitAsync(Patience);

        Assert.That(node.IsRunning, Is.False);
        await WaitUntil(() => !broker.IsConnected(address), "the stopped node closes connections");
        Assert.That(logs.WithEventId(401), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Options_bind_from_configuration()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mq:NameServer:ListenAddress"] = "127.0.0.1",
            ["Mq:NameServer:ListenPort"] = "0",
            ["Mq:NameServer:BrokerExpiry"] = "00:00:45",
            ["Mq:NameServer:ScanInterval"] = "00:00:05",
            ["Mq:NameServer:OrderMessageEnable"] = "true",
            ["Mq:NameServer:Transport:ShutdownTimeout"] = "00:00:02",
        });
        builder.Services.AddRocketMqNameServer(builder.Configuration.GetSection("Mq:NameServer"));
        using IHost host = builder.Build();

        await host.StartAsync().WaitAsync(Patience);
        NameServerOptions options = host.Services.GetRequiredService<IOptionsMonitor<NameServerOptions>>().Get(Options.DefaultName);
        NameServerHost node = host.Services.GetRequiredService<NameServerHost>();

        Assert.Multiple(() =>
        {
            Assert.That(options.BrokerExpiry, Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That(options.ScanInterval, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.OrderMessageEnable, Is.True);
            Assert.That(options.Transport.ShutdownTimeout, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(node.EndPoint.Address.ToString(), Is.EqualTo("127.0.0.1"));
        });
        await host.StopAsync().WaitAsync(Patience);
    }

    [Test]
    public void Invalid_options_fail_at_start_with_the_problem_named()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddRocketMq().AddNameServer(o =>
        {
            Loopback(o);
            o.ListenPort = 70000;
            o.ScanInterval = TimeSpan.Zero;
            o.Transport.MaxFrameLength = 10;
        });
        using IHost host = builder.Build();

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Patience));

        Assert.That(error!.Message, Does.Contain("ListenPort must be 0-65535 (was 70000)"));
        Assert.That(error.Message, Does.Contain("ScanInterval"));
        Assert.That(error.Message, Does.Contain("Transport.MaxFrameLength must be at least 64 bytes"));
        Assert.That(host.Services.GetRequiredService<NameServerHost>().IsRunning, Is.False);
    }

    [Test]
    public async Task Two_keyed_name_servers_in_one_host_are_independent()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddRocketMq()
            .AddNameServer("ns1", Loopback)
            .AddNameServer("ns2", Loopback)
            .AddNameServer("ns1", o => o.OrderMessageEnable = true); // same name: configures the same node
        using IHost host = builder.Build();

        await host.StartAsync().WaitAsync(Patience);
        NameServerHost ns1 = host.Services.GetRequiredKeyedService<NameServerHost>("ns1");
        NameServerHost ns2 = host.Services.GetRequiredKeyedService<NameServerHost>("ns2");
        await using var broker = new TestBroker();
        await broker.RegisterAsync(ns1.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        IOptionsMonitor<NameServerOptions> options = host.Services.GetRequiredService<IOptionsMonitor<NameServerOptions>>();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(host.Services.GetServices<IHostedService>().Count(s => s is NodeHostedService<NameServer, NameServerOptions>), Is.EqualTo(2));
            Assert.That(ns1.Address, Is.Not.EqualTo(ns2.Address));
            Assert.That(ns1.Name, Is.EqualTo("ns1"));
            Assert.That(options.Get("ns1").OrderMessageEnable, Is.True);
            Assert.That(options.Get("ns2").OrderMessageEnable, Is.False);
            Assert.That(host.Services.GetService<NameServerHost>(), Is.Null, "no unnamed node was added");
            Assert.That((await broker.RouteAsync(ns1.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.Success));
            Assert.That((await broker.RouteAsync(ns2.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
        });
        await host.StopAsync().WaitAsync(Patience);
        Assert.That(ns1.IsRunning || ns2.IsRunning, Is.False);
    }

    [Test]
    public async Task Time_provider_comes_from_the_container()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20000));
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddRocketMqNameServer(o =>
        {
            Loopback(o);
            o.BrokerExpiry = TimeSpan.FromSeconds(30);
            o.ScanInterval = TimeSpan.FromSeconds(10);
        });
        using IHost host = builder.Build();
        await host.StartAsync().WaitAsync(Patience);
        NameServerHost node = host.Services.GetRequiredService<NameServerHost>();
        await using var broker = new TestBroker();
        await broker.RegisterAsync(node.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));

        time.Advance(TimeSpan.FromSeconds(40));

        await WaitUntil(() => node.NameServer!.Routes.LiveBrokerCount == 0, "the broker expires on the container's clock");
        await host.StopAsync().WaitAsync(Patience);
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        DateTime deadline = DateTime.UtcNow + Patience;
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
