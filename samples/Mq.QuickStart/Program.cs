// Mq quick start: a NameServer and a Broker in-process (generic host, services.AddRocketMq()), then a
// producer sends N messages and a push consumer receives them; prints throughput and latency percentiles.
// With -n host:port[;host:port] no node is started: the same producer and consumer run against that
// cluster (Mq or Apache RocketMQ), and the exit code is non-zero if any message is missing.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mq.Hosting;
using Mq.QuickStart;

QuickStartArgs options;
try
{
    options = QuickStartArgs.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(QuickStartArgs.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(QuickStartArgs.Usage);
    return 0;
}

IHost? host = null;
string store = Path.Combine(Path.GetTempPath(), "mq-quickstart-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
string nameServers = options.NameServers ?? string.Empty;
try
{
    if (options.NameServers is null)
    {
        // Free ports picked up front: the broker's namesrvAddr is part of its options, read when the host starts.
        int nsPort = FreePort(), brokerPort = FreePort();
        nameServers = "127.0.0.1:" + nsPort.ToString(CultureInfo.InvariantCulture);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRocketMq()
            .AddNameServer(o => { o.ListenAddress = "127.0.0.1"; o.ListenPort = nsPort; })
            .AddBroker(o =>
            {
                o.ListenAddress = "127.0.0.1";
                o.BrokerIP1 = "127.0.0.1";
                o.ListenPort = brokerPort;
                o.VipChannelEnable = false;
                o.NamesrvAddr = [nameServers];
                o.StorePathRootDir = store;
                o.MappedFileSizeCommitLog = 128 * 1024 * 1024;
            });
        host = builder.Build();
        var started = Stopwatch.StartNew();
        await host.StartAsync();
        Console.WriteLine($"NameServer {nameServers} and broker 127.0.0.1:{brokerPort} started in {started.ElapsedMilliseconds} ms (store {store})");
    }
    else
    {
        Console.WriteLine($"Using the cluster at {nameServers}");
    }
    return await Run.ExecuteAsync(nameServers, options);
}
finally
{
    if (host is not null)
    {
        await host.StopAsync();
        host.Dispose();
        try
        {
            Directory.Delete(store, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

static int FreePort()
{
    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    return ((IPEndPoint)socket.LocalEndPoint!).Port;
}
