using System.Diagnostics.Metrics;
using Mq.NameServers;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.TestKit.Logging;
using Mq.TestKit.NameServers;
using Mq.Transport;

namespace Mq.Tests.NameServers.Tcp;

/// <summary>Node concerns beside the wire: memory transport, metrics, logs, start failures.</summary>
[Category("Integration")]
public sealed class NameServerNodeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Serves_over_the_memory_transport()
    {
        var transport = new MemoryTransport();
        var options = new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 9876 };
        await using NameServer ns = await NameServer.StartAsync(options, new TransportOptions(), transport, null, null, CancellationToken.None);
        await using var client = new RemotingClient(new TransportOptions(), transport);
        var wrapper = new TopicConfigSerializeWrapper { DataVersion = new DataVersion(1, 1) };
        wrapper.TopicConfigTable["TopicA"] = new TopicConfig { TopicName = "TopicA" };
        RemotingCommand register = RemotingCommand.CreateRequest(RequestCode.RegisterBroker, new RegisterBrokerRequestHeader
        {
            BrokerName = "broker-a", BrokerAddr = "10.0.0.1:10911", ClusterName = "DefaultCluster", HaServerAddr = "10.0.0.1:10912",
        });
        register.SetBody(new RegisterBrokerBody { TopicConfigSerializeWrapper = wrapper }.Encode());

        using RemotingCommand registered = await client.InvokeAsync(ns.Address, register).WaitAsync(Patience);
        using RemotingCommand route = await client.InvokeAsync(ns.Address,
            RemotingCommand.CreateRequest(RequestCode.GetRouteInfoByTopic, new GetRouteInfoRequestHeader { Topic = "TopicA" })).WaitAsync(Patience);
        using RemotingCommand system = await client.InvokeAsync(ns.Address, RemotingCommand.CreateRequest(RequestCode.GetSystemTopicListFromNs)).WaitAsync(Patience);
        using RemotingCommand unit = await client.InvokeAsync(ns.Address, RemotingCommand.CreateRequest(RequestCode.GetUnitTopicList)).WaitAsync(Patience);

        Assert.Multiple(() =>
        {
            Assert.That(TopicList.Decode(system.Body.Span).Topics, Is.EquivalentTo(new[] { "DefaultCluster", "broker-a" }), "mqadmin / the dashboard mark these as system topics");
            Assert.That(unit.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(TopicList.Decode(unit.Body.Span).Topics, Is.Empty);
            Assert.That(ns.Address, Is.EqualTo("127.0.0.1:9876"));
            Assert.That(registered.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(route.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(TopicRouteData.Decode(route.Body.Span).QueueDatas.Single().ReadQueueNums, Is.EqualTo(16));
        });
    }

    [Test]
    public async Task Answers_its_configuration_with_the_bound_port_and_refuses_changes()
    {
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0, OrderMessageEnable = true });
        await using var client = new RemotingClient(new TransportOptions());
        using RemotingCommand config = await client.InvokeAsync(ns.Address, RemotingCommand.CreateRequest(RequestCode.GetNamesrvConfig))
            .WaitAsync(Patience);
        RemotingCommand change = RemotingCommand.CreateRequest(RequestCode.UpdateNamesrvConfig);
        change.SetBody("orderMessageEnable=false\n"u8.ToArray());
        using RemotingCommand refused = await client.InvokeAsync(ns.Address, change).WaitAsync(Patience);
        string text = System.Text.Encoding.UTF8.GetString(config.Body.Span);
        Assert.Multiple(() =>
        {
            Assert.That(config.Code, Is.EqualTo(ResponseCode.Success));
            Assert.That(text, Does.Contain("listenPort=" + ns.Address.Split(':')[1] + "\n"), "the port it is bound to, not 0");
            Assert.That(text, Does.Contain("orderMessageEnable=true\n"));
            Assert.That(refused.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(refused.Remark, Does.Contain("restart"));
        });
    }

    [Test]
    public async Task Meter_counts_registrations_and_route_lookups_per_node()
    {
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        await using NameServer other = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        var counts = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Mq.NameServers" && instrument.Meter.Tags!.Any(t => Equals(t.Value, ns.Address)))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                key += "/" + tag.Value;
            }
            counts.AddOrUpdate(key, value, (_, v) => v + value);
        });
        listener.Start();
        await using var broker = new TestBroker();

        await broker.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        await broker.RegisterAsync(other.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"));
        await broker.RouteAsync(ns.Address, "TopicA");
        await broker.RouteAsync(ns.Address, "TopicA");
        await broker.RouteAsync(ns.Address, "Nowhere");
        await broker.RouteAsync(other.Address, "TopicA");

        Assert.That(counts, Is.EquivalentTo(new Dictionary<string, long>
        {
            ["mq.nameserver.registrations"] = 1,
            ["mq.nameserver.route_lookups/found"] = 2,
            ["mq.nameserver.route_lookups/not_found"] = 1,
        }));
    }

    [Test]
    public async Task Logs_registration_refusals_and_bad_headers()
    {
        var logs = new RecordingLoggerFactory();
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 }, logs);
        await using var broker = new TestBroker();

        await broker.RegisterAsync(ns.Address, TestBroker.Topics(new DataVersion(1, 1), "TopicA"), bodyCrc32: 1);
        await broker.SendAsync(ns.Address, RequestCode.GetRouteInfoByTopic);

        Assert.Multiple(() =>
        {
            Assert.That(logs.WithEventId(400), Has.Count.EqualTo(1));
            Assert.That(logs.WithEventId(403).Single().Message, Does.Contain("crc32 not match"));
            Assert.That(logs.WithEventId(407).Single().Message, Does.Contain("topic"));
        });
    }

    [Test]
    public async Task Port_in_use_fails_start_and_the_first_node_keeps_serving()
    {
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });

        Assert.ThrowsAsync(Is.InstanceOf<System.Net.Sockets.SocketException>(),
            () => NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = ns.EndPoint.Port }));
        await using var broker = new TestBroker();
        Assert.That((await broker.RouteAsync(ns.Address, "TopicA")).Code, Is.EqualTo(ResponseCode.TopicNotExist));
    }

    [Test]
    public void Invalid_options_are_refused_before_binding()
    {
        var error = Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => NameServer.StartAsync(new NameServerOptions { ListenAddress = "not-an-ip", ListenPort = -1 }));

        Assert.That(error!.Failures.Count(), Is.EqualTo(2));
    }
}
