using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Mq.Brokers;
using Mq.Hosting;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Brokers;
using Mq.TestKit.Logging;

namespace Mq.Tests.Brokers;

/// <summary>A broker registering with real NameServer nodes over loopback TCP.</summary>
[Category("Integration")]
public sealed class RegistrationTests
{
    private static NameServerOptions Loopback() => new() { ListenAddress = "127.0.0.1", ListenPort = 0 };

    [Test]
    public async Task Registers_with_every_name_server_reregisters_on_topic_change_and_unregisters_at_stop()
    {
        await using NameServer first = await NameServer.StartAsync(Loopback());
        await using NameServer second = await NameServer.StartAsync(Loopback());
        using var directory = new TempDirectory();
        Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.NamesrvAddr = [first.Address + ";" + second.Address]);
        try
        {
            foreach (NameServer nameServer in new[] { first, second })
            {
                TopicRouteData? route = nameServer.Routes.FindRoute("TBW102");
                Assert.That(route, Is.Not.Null, "registered at start");
                Assert.That(route!.BrokerDatas.Single().BrokerAddrs[0], Is.EqualTo(broker.Address));
                Assert.That(route.QueueDatas.Single().Perm, Is.EqualTo(7));
            }

            await using var client = new BrokerTestClient(broker.Address);
            var create = new Mq.Protocol.Headers.CreateTopicRequestHeader
            {
                Topic = "Created", DefaultTopic = "TBW102", ReadQueueNums = 3, WriteQueueNums = 3, Perm = 6, TopicFilterType = "SINGLE_TAG",
            };
            using (RemotingCommand created = await client.InvokeAsync(RequestCode.UpdateAndCreateTopic, create))
            {
                Assert.That(created.Code, Is.EqualTo(ResponseCode.Success), created.Remark);
            }
            using (RemotingCommand sent = await client.SendAsync("AutoCreated", [1]))
            {
                Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success), sent.Remark);
            }
            await SendPullTests.WaitUntil(() => first.Routes.FindRoute("Created") is not null && second.Routes.FindRoute("AutoCreated") is not null);
            Assert.That(first.Routes.FindRoute("Created")!.QueueDatas.Single().WriteQueueNums, Is.EqualTo(3));
        }
        finally
        {
            await broker.DisposeAsync();
        }
        Assert.That(first.Routes.FindRoute("TBW102"), Is.Null, "unregistered at stop");
        Assert.That(second.Routes.FindRoute("Created"), Is.Null);
    }

    [Test]
    public async Task A_name_server_not_listening_at_start_is_reported_once_and_the_broker_still_starts()
    {
        using var directory = new TempDirectory();
        var logs = new RecordingLoggerFactory();
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        string address = closed.LocalEndpoint.ToString()!;
        closed.Stop();

        await using Broker broker = await Broker.StartAsync(BrokerHarness.Options(directory.Path, o => o.NamesrvAddr = [address]), logs);

        Assert.That(broker.Address, Is.Not.Empty);
        // The connect made while the store opened fails quietly; the registration connects again and reports, as before it.
        Assert.That(logs.WithEventId(309), Has.Count.EqualTo(1), "Cannot connect to ...");
        Assert.That(logs.WithEventId(507), Has.Count.EqualTo(1), "Registration with NameServer ... failed");
    }

    [Test]
    public async Task Host_starts_a_broker_that_registers_and_stops_with_the_host()
    {
        using var directory = new TempDirectory();
        await using NameServer nameServer = await NameServer.StartAsync(Loopback());
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddRocketMq()
            .AddBroker(o =>
            {
                BrokerOptions defaults = BrokerHarness.Options(directory.Path);
                o.ListenAddress = defaults.ListenAddress;
                o.ListenPort = 0;
                o.StorePathRootDir = defaults.StorePathRootDir;
                o.MappedFileSizeCommitLog = defaults.MappedFileSizeCommitLog;
                o.MappedFileSizeConsumeQueue = defaults.MappedFileSizeConsumeQueue;
                o.MaxMessageSize = defaults.MaxMessageSize;
                o.MaxHashSlotNum = defaults.MaxHashSlotNum;
                o.MaxIndexNum = defaults.MaxIndexNum;
                o.DeviceKind = defaults.DeviceKind;
                o.NamesrvAddr = [nameServer.Address];
            });
        using IHost host = builder.Build();
        await host.StartAsync();
        BrokerHost broker = host.Services.GetRequiredService<BrokerHost>();
        Assert.That(broker.IsRunning, Is.True);
        Assert.That(nameServer.Routes.FindRoute("TBW102")!.BrokerDatas.Single().BrokerAddrs[0], Is.EqualTo(broker.Address));
        await host.StopAsync();
        Assert.That(broker.IsRunning, Is.False);
        Assert.That(nameServer.Routes.FindRoute("TBW102"), Is.Null);
    }

    [Test]
    public async Task AddRocketMqBroker_shortcut_registers_one_unnamed_broker()
    {
        using var directory = new TempDirectory();
        var services = new ServiceCollection();
        services.AddRocketMqBroker(o => o.StorePathRootDir = directory.Path);
        await using ServiceProvider provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<BrokerHost>().IsRunning, Is.False);
        Assert.That(provider.GetServices<IHostedService>().Count(), Is.EqualTo(1));
    }
}
