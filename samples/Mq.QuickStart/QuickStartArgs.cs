using System.Globalization;

namespace Mq.QuickStart;

/// <summary>Command line of the quick start.</summary>
internal sealed class QuickStartArgs
{
    public const string Usage = """
        usage: Mq.QuickStart [--count N] [--size BYTES] [--topic NAME] [-n host:port[;host:port]] [--timeout SECONDS]
                             [--access-key AK --secret-key SK]
          --count     messages to send and receive (default 10000)
          --size      body size in bytes (default 128, at least 16)
          --topic     topic (default MqQuickStart)
          -n          use an existing cluster (Mq or Apache RocketMQ) instead of starting nodes in-process
          --timeout   how long to wait for every message (default 60)
          --access-key, --secret-key
                      ACL credentials for a cluster with aclEnable=true (requests are signed)
        """;

    public int Count { get; private set; } = 10_000;
    public int Size { get; private set; } = 128;
    public string Topic { get; private set; } = "MqQuickStart";
    public string? NameServers { get; private set; }
    public TimeSpan Timeout { get; private set; } = TimeSpan.FromSeconds(60);
    public bool Help { get; private set; }
    public string? AccessKey { get; private set; }
    public string? SecretKey { get; private set; }

    public static QuickStartArgs Parse(string[] args)
    {
        var result = new QuickStartArgs();
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            switch (name)
            {
                case "-h" or "--help":
                    result.Help = true;
                    break;
                case "--count":
                    result.Count = PositiveInt(name, Value(args, ref i));
                    break;
                case "--size":
                    result.Size = Math.Max(16, PositiveInt(name, Value(args, ref i)));
                    break;
                case "--topic":
                    result.Topic = Value(args, ref i);
                    break;
                case "-n" or "--namesrv":
                    result.NameServers = Value(args, ref i);
                    break;
                case "--timeout":
                    result.Timeout = TimeSpan.FromSeconds(PositiveInt(name, Value(args, ref i)));
                    break;
                case "--access-key":
                    result.AccessKey = Value(args, ref i);
                    break;
                case "--secret-key":
                    result.SecretKey = Value(args, ref i);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{name}'");
            }
        }
        if ((result.AccessKey is null) != (result.SecretKey is null))
        {
            throw new ArgumentException("--access-key and --secret-key go together");
        }
        return result;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"option '{args[i - 1]}' needs a value");

    private static int PositiveInt(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"option '{name}' needs a positive integer, not '{text}'");
}
