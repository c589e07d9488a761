using Mq.Messages;
using Mq.Storage;

namespace Mq.Brokers;

public sealed partial class Broker
{
    private readonly object _putHookGate = new();
    private IPutMessageHook[] _putHooks = [];
    private int _inFlightSends;

    /// <summary>Counters for GET_BROKER_RUNTIME_INFO.</summary>
    internal BrokerStats Stats { get; } = new();

    /// <summary>Per-topic and per-group stats items for VIEW_BROKER_STATS_DATA.</summary>
    internal BrokerStatsItems StatsItems { get; private set; } = null!;

    /// <summary>When the broker started, epoch ms.</summary>
    internal long BootTimestamp { get; private set; }

    /// <summary>Sends being processed right now (flow control).</summary>
    internal int InFlightSends => Volatile.Read(ref _inFlightSends);

    /// <summary>Adds a hook run before every put (delay levels, transactions).</summary>
    internal void AddPutHook(IPutMessageHook hook)
    {
        lock (_putHookGate)
        {
            _putHooks = [.. _putHooks, hook];
        }
    }

    /// <summary>
    /// The put path shared by SEND and the broker's own re-puts (retry, schedule, transaction commit): runs
    /// the hooks, appends, and with SYNC_FLUSH waits until the record is durable (never PUT_OK before); a
    /// SYNC_MASTER also waits for a slave (FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE otherwise).
    /// A non-zero <c>RefusedCode</c> means a hook refused the message.
    /// </summary>
    /// <remarks>
    /// <paramref name="waitStoreMsgOk"/> carries the request's WAIT property when the stored properties no
    /// longer have it (SEND strips it, as RocketMQ, but still honours it); WAIT=false in the stored
    /// properties (the broker's own re-puts) is honoured too.
    /// </remarks>
    internal ValueTask<AppendResult> PutMessageAsync(MessageToStore message, out int refusedCode, out string? remark, CancellationToken cancellationToken = default,
        bool waitStoreMsgOk = true)
    {
        remark = null;
        refusedCode = 0;
        IPutMessageHook[] hooks = Volatile.Read(ref _putHooks);
        for (int i = 0; i < hooks.Length; i++)
        {
            refusedCode = hooks[i].BeforePut(message, out remark);
            if (refusedCode != 0)
            {
                return new ValueTask<AppendResult>(default(AppendResult));
            }
        }
        return Options.BrokerRole == BrokerRole.SyncMaster
            ? CompleteSyncMasterAsync(Store.Append(message), waitStoreMsgOk && WaitStoreMsgOk(message.Properties), cancellationToken)
            : Store.AppendAsync(message, cancellationToken);
    }

    /// <summary>Batch put (SEND_BATCH_MESSAGE); batches bypass the hooks: the processor refuses delayed batches and the store transactional ones, as 4.9.</summary>
    internal ValueTask<AppendResult> PutMessagesAsync(MessageBatchToStore batch, CancellationToken cancellationToken = default) =>
        Options.BrokerRole == BrokerRole.SyncMaster
            ? CompleteSyncMasterAsync(Store.AppendBatch(batch), WaitStoreMsgOk(batch.ExtraProperties), cancellationToken)
            : Store.AppendBatchAsync(batch, cancellationToken);

    /// <summary>Claims an in-flight send slot; false when the bound is reached.</summary>
    internal bool TryEnterSend()
    {
        if (Interlocked.Increment(ref _inFlightSends) > Options.MaxInFlightSends)
        {
            Interlocked.Decrement(ref _inFlightSends);
            return false;
        }
        return true;
    }

    internal void ExitSend() => Interlocked.Decrement(ref _inFlightSends);
}
