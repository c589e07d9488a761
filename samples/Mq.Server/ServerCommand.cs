using System.Globalization;
using Mq.Brokers;
using Mq.NameServers;

namespace Mq.Server;

/// <summary>The parsed command line: which node and its options (file first, then command-line overrides).</summary>
internal sealed class ServerCommand
{
    public const string Usage = """
        usage:
          Mq.Server namesrv [--port 9876] [--listen 0.0.0.0] [--kv-config path]
          Mq.Server broker [-c broker.conf] [-n host:port[;host:port]] [--broker-name NAME] [--cluster NAME]
                           [--broker-id ID] [--listen-port 10911] [--listen 0.0.0.0] [--broker-ip IP] [--store DIR]
        broker.conf uses Apache RocketMQ property names (brokerClusterName, brokerName, brokerId, namesrvAddr,
        brokerIP1, listenPort, storePathRootDir, brokerRole, flushDiskType, autoCreateTopicEnable...);
        command-line options override the file.
        """;

    public NameServerOptions? NameServer { get; private init; }
    public BrokerOptions? Broker { get; private init; }
    public List<string> IgnoredConfKeys { get; } = [];

    /// <summary>Parses <paramref name="args"/>; <see cref="ArgumentException"/> or <see cref="FormatException"/> on bad input.</summary>
    public static ServerCommand Parse(string[] args)
    {
        if (args.Length == 0)
        {
            throw new ArgumentException("missing command: namesrv or broker");
        }
        Dictionary<string, string> flags = Flags(args.AsSpan(1));
        return args[0] switch
        {
            "namesrv" => ParseNameServer(flags),
            "broker" => ParseBroker(flags),
            _ => throw new ArgumentException($"unknown command '{args[0]}': expected namesrv or broker"),
        };
    }

    private static Dictionary<string, string> Flags(ReadOnlySpan<string> args)
    {
        var flags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (!name.StartsWith('-'))
            {
                throw new ArgumentException($"unexpected argument '{name}'");
            }
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"option '{name}' needs a value");
            }
            flags[name] = args[++i];
        }
        return flags;
    }

    private static ServerCommand ParseNameServer(Dictionary<string, string> flags)
    {
        var options = new NameServerOptions();
        foreach ((string name, string value) in flags)
        {
            switch (name)
            {
                case "-p" or "--port": options.ListenPort = Port(name, value); break;
                case "--listen": options.ListenAddress = value; break;
                case "--kv-config": options.KvConfigPath = value; break;
                default: throw new ArgumentException($"unknown namesrv option '{name}'");
            }
        }
        options.Validate();
        return new ServerCommand { NameServer = options };
    }

    private static ServerCommand ParseBroker(Dictionary<string, string> flags)
    {
        var options = new BrokerOptions { StorePathRootDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "store") };
        var command = new ServerCommand { Broker = options };
        if (flags.TryGetValue("-c", out string? conf) || flags.TryGetValue("--config", out conf))
        {
            string text;
            try
            {
                text = File.ReadAllText(conf);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"cannot read config file '{conf}': {e.Message}", e);
            }
            command.IgnoredConfKeys.AddRange(BrokerConf.Apply(BrokerConf.Parse(text), options));
        }
        foreach ((string name, string value) in flags)
        {
            switch (name)
            {
                case "-c" or "--config": break;
                case "-n" or "--namesrv": options.NamesrvAddr = [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--broker-name": options.BrokerName = value; break;
                case "--cluster": options.BrokerClusterName = value; break;
                case "--broker-id": options.BrokerId = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--listen-port": options.ListenPort = Port(name, value); break;
                case "--listen": options.ListenAddress = value; break;
                case "--broker-ip": options.BrokerIP1 = value; break;
                case "--store": options.StorePathRootDir = value; break;
                default: throw new ArgumentException($"unknown broker option '{name}'");
            }
        }
        options.Validate();
        return command;
    }

    private static int Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535
            ? port
            : throw new ArgumentException($"option '{name}' needs a port number 0-65535, not '{value}'");
}
