using FASTER.core;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>A store and a FasterLog holding the same <see cref="Count"/> 1 KiB bodies, built once per class.</summary>
internal sealed class PopulatedStore : IDisposable
{
    public const int Count = 100_000;
    public const int BodySize = 1024;
    public const int Queues = 4;

    public PopulatedStore()
    {
        Root = StorageBench.NewDirectory("populated");
        Options = StorageBench.Options(Path.Combine(Root, "store"), FlushDiskType.AsyncFlush);
        var store = MessageStore.OpenAsync(Options).GetAwaiter().GetResult();
        var messages = new Mq.Messages.MessageToStore[Queues];
        for (int q = 0; q < Queues; q++)
        {
            messages[q] = StorageBench.Message(BodySize, q);
        }
        for (int i = 0; i < Count; i++)
        {
            store.Append(messages[i % Queues]);
        }
        Bytes = store.CommitLogMaxOffset;
        store.DisposeAsync().AsTask().GetAwaiter().GetResult();

        Log = StorageBench.CreateFasterLog(Root, out var device);
        Device = device;
        var payload = StorageBench.Payload(BodySize);
        for (int i = 0; i < Count; i++)
        {
            Log.Enqueue(payload);
        }
        Log.Commit(spinWait: true);
    }

    public string Root { get; }

    public StoreOptions Options { get; }

    public long Bytes { get; }

    public FasterLog Log { get; }

    public IDevice Device { get; }

    /// <summary>FasterLog baseline: scan every entry.</summary>
    public int ScanFasterLog()
    {
        int count = 0;
        using var iterator = Log.Scan(Log.BeginAddress, Log.TailAddress);
        while (iterator.GetNext(out byte[] entry, out int length, out _))
        {
            count += length > 0 ? 1 : 0;
        }
        return count;
    }

    public void Dispose()
    {
        Log.Dispose();
        Device.Dispose();
        StorageBench.DeleteDirectory(Root);
    }
}
