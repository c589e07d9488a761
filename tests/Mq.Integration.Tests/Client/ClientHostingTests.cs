using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Mq.Client;
using Mq.Hosting;
using Mq.NameServers;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Client;

[Category("Integration")]
public sealed class ClientHostingTests
{
    private sealed class RecordingHandler : IMessageHandler
    {
        public TaskCompletionSource<ReceivedMessage> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask<ConsumeResult> HandleAsync(ReceivedMessage message, ConsumeContext context, CancellationToken cancellationToken)
        {
            Received.TrySetResult(message);
            return ValueTask.FromResult(ConsumeResult.Success);
        }
    }

    [Test]
    public async Task Host_runs_a_keyed_producer_and_a_consumer_with_a_DI_handler()
    {
        using var dir = new TempDirectory();
        await using NameServer ns = await NameServer.StartAsync(new NameServerOptions { ListenAddress = "127.0.0.1", ListenPort = 0 });
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(dir.Path, o => o.NamesrvAddr = [ns.Address]);
        var handler = new RecordingHandler();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton(handler);
        builder.Services.AddRocketMq()
            .AddProducer("orders", o => o.NameServerAddresses = [ns.Address])
            .AddAdminClient(o => o.NameServerAddresses = [ns.Address])
            .AddConsumer<RecordingHandler>("CG_HOSTED", o =>
            {
                o.NameServerAddresses = [ns.Address];
                o.Subscriptions["Hosted"] = "*";
                o.ConsumeFromWhere = ConsumeStartPoint.FirstOffset;
                // The topic is created by the first send after start: pick it up quickly.
                o.RebalanceInterval = TimeSpan.FromMilliseconds(200);
            });
        using IHost host = builder.Build();
        await host.StartAsync();
        Producer producer = host.Services.GetRequiredKeyedService<Producer>("orders");
        SendResult sent = await producer.SendAsync(new Message("Hosted", Encoding.UTF8.GetBytes("hello")));
        ReceivedMessage received = await handler.Received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(received.MessageId, Is.EqualTo(sent.MessageId));
        Assert.That(await host.Services.GetRequiredService<AdminClient>().GetTopicListAsync(), Does.Contain("Hosted"), "the admin client from DI");
        await host.StopAsync();
    }

    [Test]
    public void Invalid_consumer_options_fail_host_start()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddRocketMq().AddConsumer<RecordingHandler>("CG_BAD", o => o.NameServerAddresses = ["127.0.0.1:1"]);
        using IHost host = builder.Build();
        OptionsValidationException error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())!;
        Assert.That(error.Message, Does.Contain("Subscriptions"));
    }
}
