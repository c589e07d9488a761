using Mq.Broker;
using Mq.Storage.Devices;

namespace Mq.TestKit.Broker;

/// <summary>Options for a test broker: loopback, port 0, small segments and index, a store under <paramref name="root"/>.</summary>
public static class BrokerHarness
{
    public static BrokerOptions Options(string root, Action<BrokerOptions>? configure = null)
    {
        var options = new BrokerOptions
        {
            ListenAddress = "127.0.0.1",
            ListenPort = 0,
            StorePathRootDir = root,
            MappedFileSizeCommitLog = 8 * 1024 * 1024,
            MappedFileSizeConsumeQueue = 20 * 10_000,
            MaxMessageSize = 1024 * 1024,
            MaxHashSlotNum = 1000,
            MaxIndexNum = 4000,
            DeviceKind = SegmentDeviceKind.File,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Starts a broker on <paramref name="root"/>.</summary>
    public static Task<Mq.Broker.Broker> StartAsync(string root, Action<BrokerOptions>? configure = null) =>
        Mq.Broker.Broker.StartAsync(Options(root, configure));
}
