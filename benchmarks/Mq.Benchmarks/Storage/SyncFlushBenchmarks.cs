using BenchmarkDotNet.Attributes;
using FASTER.core;
using Mq.Messages;
using Mq.Storage;

namespace Mq.Benchmarks.Storage;

/// <summary>
/// Sync flush: every append waits until it is on disk, with 1, 16 or 64 concurrent writers (1 KiB).
/// Mq uses group commit; FasterLog enqueues, requests a commit and waits for it.
/// </summary>
public class SyncFlushBenchmarks
{
    private const int Appends = 4096;

    private string? _root;
    private MessageStore? _store;
    private FasterLog? _log;
    private WarmFasterLog? _faster;
    private MessageToStore[] _messages = [];
    private byte[] _payload = [];

    /// <summary>Concurrent writers.</summary>
    [Params(1, 16, 64)]
    public int Writers { get; set; }

    /// <summary>One warm FasterLog for the whole run (see <see cref="WarmFasterLog"/>).</summary>
    [GlobalSetup(Target = nameof(FasterLogCommitEach))]
    public void SetupFaster()
    {
        _payload = StorageBench.Payload(1024);
        _faster = new WarmFasterLog("sync", _payload);
        _log = _faster.Log;
    }

    /// <summary>Drops what the iteration appended; the warm ring stays.</summary>
    [IterationCleanup(Target = nameof(FasterLogCommitEach))]
    public void TruncateFaster() => _faster!.Truncate();

    /// <summary>Disposes the FasterLog.</summary>
    [GlobalCleanup(Target = nameof(FasterLogCommitEach))]
    public void CleanupFaster() => _faster?.Dispose();

    /// <summary>Fresh store with its next segment already warmed.</summary>
    [IterationSetup(Target = nameof(MqSyncFlush))]
    public void SetupMq()
    {
        _root = StorageBench.NewDirectory("sync");
        _messages = new MessageToStore[Writers];
        for (int i = 0; i < Writers; i++)
        {
            _messages[i] = StorageBench.Message(1024, queueId: i % 8);
        }
        _store = StorageBench.OpenWarmStore(Path.Combine(_root, "store"), FlushDiskType.SyncFlush, _messages[0]);
    }

    /// <summary>Deletes the iteration's store.</summary>
    [IterationCleanup(Target = nameof(MqSyncFlush))]
    public void CleanupMq()
    {
        _store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _store = null;
        StorageBench.DeleteDirectory(_root);
    }

    /// <summary>FasterLog: enqueue, commit, wait.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Appends)]
    public Task FasterLogCommitEach() => RunWriters(async _ =>
    {
        for (int i = 0; i < Appends / Writers; i++)
        {
            var wait = _log!.EnqueueAndWaitForCommitAsync(_payload);
            _log.Commit();
            await wait.ConfigureAwait(false);
        }
    });

    /// <summary>Mq append with sync flush (group commit).</summary>
    [Benchmark(OperationsPerInvoke = Appends)]
    public Task MqSyncFlush() => RunWriters(async w =>
    {
        var message = _messages[w];
        for (int i = 0; i < Appends / Writers; i++)
        {
            var result = await _store!.AppendAsync(message).ConfigureAwait(false);
            if (result.Status != PutMessageStatus.PutOk)
            {
                throw new InvalidOperationException($"Append failed: {result.Status}");
            }
        }
    });

    private Task RunWriters(Func<int, Task> writer)
    {
        var tasks = new Task[Writers];
        for (int w = 0; w < Writers; w++)
        {
            int id = w;
            tasks[w] = Task.Run(() => writer(id));
        }
        return Task.WhenAll(tasks);
    }
}
