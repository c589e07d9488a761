// Mq standalone server: "namesrv" or "broker", like Apache RocketMQ's mqnamesrv and mqbroker in one binary.
// Exit codes: 0 clean stop (Ctrl+C / SIGTERM), 2 bad option or config, 3 port in use, 4 unusable store folder.
using System.CommandLine;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Mq.Brokers;
using Mq.NameServers;
using Mq.Server;

ParseResult parsed = ServerCommand.Cli.Parse(args);
if (parsed.Errors.Count == 0 && parsed.Action is not null)
{
    // Our commands carry no actions of their own, so an action here is --help or --version.
    return parsed.Invoke();
}
ServerCommand command;
try
{
    command = ServerCommand.FromParseResult(parsed);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine("error: " + e.Message);
    Console.Error.WriteLine("run with --help for usage");
    return 2;
}

using ILoggerFactory loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; }));
ILogger log = loggers.CreateLogger("Mq.Server");
foreach (string key in command.IgnoredConfKeys)
{
    log.LogWarning("broker.conf: '{Key}' is not used by Mq; ignored", key);
}

var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });

IAsyncDisposable node;
try
{
    if (command.NameServer is { } nsOptions)
    {
        NameServer ns = await NameServer.StartAsync(nsOptions, loggers);
        node = ns;
        Console.WriteLine($"NameServer listening on {ns.EndPoint} (address {ns.Address})");
    }
    else
    {
        Broker broker = await Broker.StartAsync(command.Broker!, loggers);
        node = broker;
        Console.WriteLine($"Broker {broker.Options.BrokerName} listening on {broker.EndPoint} (address {broker.Address}, store {broker.Options.StorePathRootDir})");
    }
}
catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
{
    Console.Error.WriteLine("error: cannot listen: " + e.Message);
    return 3;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine("error: unusable store folder: " + e.Message);
    return 4;
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}

await stop.Task;
log.LogInformation("stopping: flushing offsets and checkpoints");
await node.DisposeAsync();
log.LogInformation("stopped");
return 0;
