using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Mq.Messages;
using Mq.Storage;
using Mq.Storage.Abstractions;
using Mq.Storage.Devices;
using Mq.TestKit;

namespace Mq.Tests;

/// <summary>A store in a temp folder that can be reopened (and crashed) with the same files.</summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    public static readonly MessageHost BornHost = MessageHost.From(IPAddress.Parse("10.0.0.5"), 53011);
    public static readonly MessageHost StoreHost = MessageHost.From(IPAddress.Parse("10.0.0.1"), 10911);

    private readonly TempDirectory _directory = new("mq-store");
    private readonly MemorySegmentDeviceProvider _memory = new();

    public StoreHarness(SegmentDeviceKind kind, Action<StoreOptions>? configure = null)
    {
        Kind = kind;
        Options = new StoreOptions
        {
            StorePathRootDir = _directory.Path,
            MappedFileSizeCommitLog = 64 * 1024,
            MappedFileSizeConsumeQueue = 20 * 100,
            MaxMessageSize = 16 * 1024,
            MaxHashSlotNum = 1000,
            MaxIndexNum = 4000,
            DeviceKind = kind,
        };
        configure?.Invoke(Options);
        Provider = kind switch
        {
            SegmentDeviceKind.Memory => _memory,
            SegmentDeviceKind.File => new FileSegmentDeviceProvider(mapped: false),
            _ => new FileSegmentDeviceProvider(mapped: true),
        };
    }

    public SegmentDeviceKind Kind { get; }

    public StoreOptions Options { get; }

    public ISegmentDeviceProvider Provider { get; set; }

    public FakeTimeProvider? Time { get; set; }

    public IDiskSpaceProbe? Disk { get; set; }

    public MessageStore? Store { get; private set; }

    public string Root => _directory.Path;

    public async Task<MessageStore> OpenAsync()
    {
        Store = await MessageStore.OpenAsync(Options, Time, null, Provider, Disk ?? new FixedDiskProbe()).ConfigureAwait(false);
        return Store;
    }

    public async Task<MessageStore> ReopenAsync(bool crash)
    {
        if (Store is not null)
        {
            if (crash)
            {
                await Store.CrashAsync().ConfigureAwait(false);
            }
            else
            {
                await Store.DisposeAsync().ConfigureAwait(false);
            }
        }
        return await OpenAsync().ConfigureAwait(false);
    }

    public static MessageToStore Message(string topic, int queueId, string body, string? tags = null, string? keys = null, string? uniqueKey = null)
    {
        var properties = new List<KeyValuePair<string, string>>();
        if (tags is not null)
        {
            properties.Add(new(MessageConst.Tags, tags));
        }
        if (keys is not null)
        {
            properties.Add(new(MessageConst.Keys, keys));
        }
        if (uniqueKey is not null)
        {
            properties.Add(new(MessageConst.UniqueClientMessageIdKeyIndex, uniqueKey));
        }
        return new MessageToStore
        {
            Topic = topic,
            QueueId = queueId,
            BornTimestamp = 1_700_000_000_000,
            BornHost = BornHost,
            StoreHost = StoreHost,
            Body = Encoding.UTF8.GetBytes(body),
            Properties = MessageProperties.Encode(properties),
        };
    }

    /// <summary>Path of a commit-log segment.</summary>
    public string SegmentPath(long start) => Path.Combine(Root, "commitlog", start.ToString("D20", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Reads a whole store file regardless of device kind.</summary>
    public byte[] ReadFile(string path) => Kind == SegmentDeviceKind.Memory ? (byte[])_memory.GetContents(path)!.Clone() : File.ReadAllBytes(path);

    /// <summary>Replaces a store file's bytes regardless of device kind (store must be closed).</summary>
    public void WriteFile(string path, byte[] contents)
    {
        if (Kind == SegmentDeviceKind.Memory)
        {
            _memory.SetContents(path, contents);
        }
        else
        {
            File.WriteAllBytes(path, contents);
        }
    }

    /// <summary>Deletes every consume queue (store must be closed).</summary>
    public void DeleteConsumeQueues()
    {
        string root = Path.Combine(Root, "consumequeue");
        if (Kind == SegmentDeviceKind.Memory)
        {
            foreach (var topic in _memory.ListDirectories(root))
            {
                foreach (var queue in _memory.ListDirectories(Path.Combine(root, topic)))
                {
                    foreach (var file in _memory.ListFiles(Path.Combine(root, topic, queue)))
                    {
                        _memory.Delete(Path.Combine(root, topic, queue, file));
                    }
                }
            }
        }
        else if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public IReadOnlyList<string> CommitLogFiles() => Provider.ListFiles(Path.Combine(Root, "commitlog"));

    public async ValueTask DisposeAsync()
    {
        if (Store is not null)
        {
            await Store.DisposeAsync().ConfigureAwait(false);
        }
        _directory.Dispose();
    }
}

/// <summary>A disk whose usage the test sets.</summary>
internal sealed class FixedDiskProbe : IDiskSpaceProbe
{
    public double Ratio { get; set; } = 0.10;

    public double UsedRatio(string path) => Ratio;
}
