using Microsoft.Extensions.Configuration;
using Mq.Transport;

namespace Mq.Tests.Transport;

public sealed class TransportOptionsTests
{
    [Test]
    public void Defaults_follow_rocketmq()
    {
        var options = new TransportOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(options.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(options.MaxFrameLength, Is.EqualTo(16 * 1024 * 1024));
            Assert.That(options.NoDelay, Is.True);
            Assert.That(options.InlineHandlers, Is.True);
            Assert.That(options.Backlog, Is.EqualTo(1024));
        });
    }

    [Test]
    public void Options_bind_from_configuration()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Transport:RequestTimeout"] = "00:00:10",
            ["Transport:MaxFrameLength"] = "1048576",
            ["Transport:InlineHandlers"] = "false",
        }).Build();
        var options = new TransportOptions();
        configuration.GetSection("Transport").Bind(options);
        Assert.Multiple(() =>
        {
            Assert.That(options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(options.MaxFrameLength, Is.EqualTo(1048576));
            Assert.That(options.InlineHandlers, Is.False);
        });
        Assert.DoesNotThrow(options.Validate);
    }

    [Test]
    public async Task Running_peers_keep_the_options_they_started_with()
    {
        var options = new TransportOptions { RequestTimeout = TimeSpan.FromSeconds(1) };
        await using var server = new RemotingServer(options, new MemoryTransport());
        options.RequestTimeout = TimeSpan.FromSeconds(9);
        Assert.That(server.Options.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }
}
