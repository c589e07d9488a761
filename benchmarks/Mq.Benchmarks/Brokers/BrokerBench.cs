using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Headers;

namespace Mq.Benchmarks.Brokers;

/// <summary>An embedded broker on loopback in a temp folder, for the broker benchmarks.</summary>
internal sealed class BrokerBench : IAsyncDisposable
{
    /// <summary>Shared by every request: the harness should not add an allocation per send of its own.</summary>
    private static readonly byte[] DefaultProperties = "TAGS\u0001bench\u0002WAIT\u0001true"u8.ToArray();

    private readonly string _root;

    private BrokerBench(string root, Broker broker)
    {
        _root = root;
        Broker = broker;
    }

    public Broker Broker { get; }

    public static async Task<BrokerBench> StartAsync()
    {
        string root = Path.Combine(Path.GetTempPath(), "mq-bench-broker-" + Guid.NewGuid().ToString("N"));
        var options = new BrokerOptions
        {
            ListenAddress = "127.0.0.1",
            ListenPort = 0,
            VipChannelEnable = false,
            StorePathRootDir = root,
            MappedFileSizeCommitLog = 256 * 1024 * 1024,
            MaxHashSlotNum = 100_000,
            MaxIndexNum = 400_000,
            // MQ_WARM=0 turns the segment warm off (appends take the first-touch faults themselves), to compare.
            WarmMapedFileEnable = Environment.GetEnvironmentVariable("MQ_WARM") != "0",
        };
        Broker broker = await Broker.StartAsync(options).ConfigureAwait(false);
        return new BrokerBench(root, broker);
    }

    /// <summary>A SEND_MESSAGE_V2 request for <paramref name="topic"/> queue <paramref name="queueId"/>.</summary>
    public static RemotingCommand SendRequest(string topic, int queueId, byte[] body, int code = RequestCode.SendMessageV2, byte[]? batchProperties = null)
    {
        var header = new SendMessageRequestHeaderV2
        {
            ProducerGroup = "BenchGroup",
            Topic = topic,
            DefaultTopic = "TBW102",
            DefaultTopicQueueNums = 4,
            QueueId = queueId,
            BornTimestamp = 1_700_000_000_000,
            Properties = batchProperties ?? DefaultProperties,
            Batch = code == RequestCode.SendBatchMessage ? true : null,
        };
        RemotingCommand request = RemotingCommand.CreateRequest(code, header);
        request.SetBody(body);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
