using System.Net;
using FASTER.core;
using Mq.Messages;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>Shared set-up: a store and a FasterLog in fresh temp folders, same payload bytes.</summary>
internal static class StorageBench
{
    public static readonly MessageHost Host = MessageHost.From(IPAddress.Loopback, 10911);

    public static string NewDirectory(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mq-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteDirectory(string? path)
    {
        if (path is not null && Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>
    /// The benchmark store: <paramref name="flushWokenByAppends"/> turns on RocketMQ's default async flush
    /// (woken every <c>flushCommitLogLeastPages</c> pages) instead of our interval-only default.
    /// </summary>
    public static StoreOptions Options(string root, FlushDiskType flush, bool flushWokenByAppends = false) => new()
    {
        StorePathRootDir = root,
        // 256 MiB segments keep each iteration's disk use bounded; rollover still happens in steady state.
        MappedFileSizeCommitLog = 256 * 1024 * 1024,
        FlushDiskType = flush,
        MessageIndexEnable = false,
        FlushCommitLogTimed = !flushWokenByAppends,
    };

    public static MessageToStore Message(int bodySize, int queueId = 0) => new()
    {
        Topic = "BenchTopic",
        QueueId = queueId,
        BornHost = Host,
        StoreHost = Host,
        BornTimestamp = 1_700_000_000_000,
        Body = Payload(bodySize),
        Properties = MessageProperties.Encode([new(MessageConst.Tags, "TagA")]),
    };

    public static byte[] Payload(int size)
    {
        var payload = new byte[size];
        new Random(size).NextBytes(payload);
        return payload;
    }

    /// <summary>
    /// Opens a store, appends once (creating the first segment) and waits until the background
    /// allocator has warmed the next one, so its zero-filling does not run inside the measurement.
    /// </summary>
    public static MessageStore OpenWarmStore(string root, FlushDiskType flush, MessageToStore first, bool flushWokenByAppends = false)
    {
        var store = MessageStore.OpenAsync(Options(root, flush, flushWokenByAppends)).GetAwaiter().GetResult();
        store.AppendAsync(first).AsTask().GetAwaiter().GetResult();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!store.CommitLog.IsNextSegmentPrepared && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        return store;
    }

    /// <summary>FasterLog's in-memory ring: 256 MiB, the size of one of our commit-log segments.</summary>
    public const long FasterMemorySize = 1L << 28;

    public static FasterLog CreateFasterLog(string root, out IDevice device)
    {
        device = Devices.CreateLogDevice(Path.Combine(root, "faster.log"), preallocateFile: false, deleteOnClose: true);
        return new FasterLog(new FasterLogSettings
        {
            LogDevice = device,
            LogCommitDir = Path.Combine(root, "commits"),
            PageSize = 1L << 22,
            MemorySize = FasterMemorySize,
            SegmentSize = 1L << 28,
        });
    }
}
