using System.CommandLine;
using System.CommandLine.Parsing;
using Mq.Brokers;
using Mq.NameServers;

namespace Mq.Server;

/// <summary>The parsed command line: which node and its options (file first, then command-line overrides).</summary>
internal sealed class ServerCommand
{
    private static readonly Option<int> NamesrvPort = PortOption("--port", "-p", "Port the NameServer listens on (RocketMQ's default is 9876).");
    private static readonly Option<string> NamesrvListen = new("--listen") { Description = "Address to bind (default: all interfaces)." };
    private static readonly Option<string> KvConfig = new("--kv-config") { Description = "Path of the KV config file." };

    private static readonly Option<string> Config = new("--config", "-c") { Description = "broker.conf with Apache RocketMQ property names; command-line options override it." };
    private static readonly Option<string> Namesrv = new("--namesrv", "-n", "--namesrv-addr") { Description = "NameServer addresses, host:port[;host:port]." };
    private static readonly Option<string> BrokerName = new("--broker-name") { Description = "brokerName." };
    private static readonly Option<string> Cluster = new("--cluster") { Description = "brokerClusterName." };
    private static readonly Option<long> BrokerId = new("--broker-id") { Description = "brokerId: 0 for a master, > 0 for a slave." };
    private static readonly Option<int> ListenPort = PortOption("--listen-port", null, "listenPort (RocketMQ's default is 10911).");
    private static readonly Option<string> BrokerListen = new("--listen") { Description = "Address to bind (default: all interfaces)." };
    private static readonly Option<string> BrokerIp = new("--broker-ip") { Description = "brokerIP1: the address registered with the NameServers." };
    private static readonly Option<string> Store = new("--store") { Description = "storePathRootDir (default ~/store)." };
    private static readonly Option<string> AclFile = new("--acl-file")
    {
        Description = "plain_acl.yml with the ACL accounts; turns aclEnable on (default with aclEnable=true in the config: plain_acl.yml beside the config file). An acl directory beside it adds the files in it.",
    };

    /// <summary>
    /// The command tree. System.CommandLine gives us POSIX option syntax (--opt=value, bundled aliases),
    /// typed values with clear errors, and generated help, which a hand-written parser only approximated.
    /// </summary>
    public static RootCommand Cli { get; } = BuildCli();

    public NameServerOptions? NameServer { get; private init; }
    public BrokerOptions? Broker { get; private init; }
    public List<string> IgnoredConfKeys { get; } = [];

    /// <summary>Parses <paramref name="args"/>; <see cref="ArgumentException"/> or <see cref="FormatException"/> on bad input.</summary>
    public static ServerCommand Parse(string[] args) => FromParseResult(Cli.Parse(args));

    /// <summary>Builds the node options from a parse result; <see cref="ArgumentException"/> when it has errors.</summary>
    public static ServerCommand FromParseResult(ParseResult parsed)
    {
        if (parsed.Errors.Count > 0)
        {
            var messages = new List<string>(parsed.Errors.Count);
            foreach (ParseError error in parsed.Errors)
            {
                messages.Add(error.Message);
            }
            throw new ArgumentException(string.Join(Environment.NewLine, messages));
        }
        return parsed.CommandResult.Command.Name switch
        {
            "namesrv" => NameServerCommand(parsed),
            "broker" => BrokerCommand(parsed),
            _ => throw new ArgumentException("missing command: namesrv or broker"),
        };
    }

    private static RootCommand BuildCli()
    {
        var namesrv = new Command("namesrv", "Run a NameServer (like mqnamesrv).") { NamesrvPort, NamesrvListen, KvConfig };
        var broker = new Command("broker", "Run a Broker (like mqbroker).")
        {
            Config, Namesrv, BrokerName, Cluster, BrokerId, ListenPort, BrokerListen, BrokerIp, Store, AclFile,
        };
        return new RootCommand("Mq standalone server: an Apache RocketMQ 4.9 compatible NameServer or Broker.") { namesrv, broker };
    }

    private static Option<int> PortOption(string name, string? alias, string description)
    {
        var option = alias is null ? new Option<int>(name) : new Option<int>(name, alias);
        option.Description = description;
        option.Validators.Add(result =>
        {
            int port = result.GetValueOrDefault<int>();
            if (port is < 0 or > 65535)
            {
                result.AddError($"option '{name}' needs a port number 0-65535, not {port}");
            }
        });
        return option;
    }

    private static bool Given(ParseResult parsed, Option option) => parsed.GetResult(option) is { Implicit: false };

    private static ServerCommand NameServerCommand(ParseResult parsed)
    {
        var options = new NameServerOptions();
        if (Given(parsed, NamesrvPort))
        {
            options.ListenPort = parsed.GetValue(NamesrvPort);
        }
        if (Given(parsed, NamesrvListen))
        {
            options.ListenAddress = parsed.GetValue(NamesrvListen)!;
        }
        if (Given(parsed, KvConfig))
        {
            options.KvConfigPath = parsed.GetValue(KvConfig)!;
        }
        options.Validate();
        return new ServerCommand { NameServer = options };
    }

    private static ServerCommand BrokerCommand(ParseResult parsed)
    {
        var options = new BrokerOptions { StorePathRootDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "store") };
        var command = new ServerCommand { Broker = options };
        if (parsed.GetValue(Config) is { } conf)
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
        if (parsed.GetValue(Namesrv) is { } namesrv)
        {
            options.NamesrvAddr = [.. namesrv.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }
        options.BrokerName = parsed.GetValue(BrokerName) ?? options.BrokerName;
        options.BrokerClusterName = parsed.GetValue(Cluster) ?? options.BrokerClusterName;
        options.ListenAddress = parsed.GetValue(BrokerListen) ?? options.ListenAddress;
        options.BrokerIP1 = parsed.GetValue(BrokerIp) ?? options.BrokerIP1;
        options.StorePathRootDir = parsed.GetValue(Store) ?? options.StorePathRootDir;
        if (Given(parsed, BrokerId))
        {
            options.BrokerId = parsed.GetValue(BrokerId);
        }
        if (Given(parsed, ListenPort))
        {
            options.ListenPort = parsed.GetValue(ListenPort);
        }
        if (parsed.GetValue(AclFile) is { } aclFile)
        {
            options.AclEnable = true;
            options.AclFilePath = aclFile;
        }
        else if (options.AclEnable && parsed.GetValue(Config) is { } confPath)
        {
            // RocketMQ keeps conf/plain_acl.yml beside conf/broker.conf.
            options.AclFilePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(confPath))!, "plain_acl.yml");
        }
        if (options.AclFilePath is not null && options.AclDirectory is null
            && Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.AclFilePath))!, "acl") is { } aclDirectory && Directory.Exists(aclDirectory))
        {
            // RocketMQ 4.9.3+ also reads every file of conf/acl.
            options.AclDirectory = aclDirectory;
        }
        options.Validate();
        return command;
    }
}
