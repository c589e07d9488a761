using Mq.Brokers.Locks;
using Mq.Brokers.Retry;
using Mq.Brokers.Schedule;
using Mq.Brokers.Transaction;

namespace Mq.Brokers;

public sealed partial class Broker
{
    /// <summary>Queue locks of orderly consumers (LOCK/UNLOCK_BATCH_MQ).</summary>
    internal RebalanceLockManager QueueLocks { get; private set; } = null!;

    /// <summary>Delay levels and their delivery (SCHEDULE_TOPIC_XXXX).</summary>
    internal ScheduleMessageService Schedule { get; private set; } = null!;

    /// <summary>Half messages, op records and the check-back loop.</summary>
    internal TransactionalMessageService Transactions { get; private set; } = null!;

    /// <summary>Creates the retry/delay/transaction/lock components and their put hooks (called from the constructor).</summary>
    private void InitDelivery()
    {
        QueueLocks = new RebalanceLockManager(Time, Options.RebalanceLockMaxLiveTime);
        Schedule = new ScheduleMessageService(this);
        Transactions = new TransactionalMessageService(this);
        // Order matters: a transactional half message is redirected first, so the delay hook leaves it alone.
        AddPutHook(new TransactionPutHook(this));
        AddPutHook(new DelayPutHook(Schedule.MaxLevel));
    }

    /// <summary>Loads persisted delivery state (before the server accepts requests).</summary>
    private void LoadDelivery() => Schedule.Load();

    /// <summary>Starts delay delivery, delay-progress persistence and transaction checks.</summary>
    private void StartDelivery()
    {
        Schedule.Start(Stopping);
        _loops.Add(RunPeriodicAsync("persist-delay-offsets", Options.FlushDelayOffsetInterval, _ =>
        {
            Schedule.Persist();
            return Task.CompletedTask;
        }));
        _loops.Add(RunPeriodicAsync("transaction-check", Options.TransactionCheckInterval, Transactions.CheckAsync));
    }

    /// <summary>Stops delay delivery and writes its final progress (after <see cref="Stopping"/> was cancelled).</summary>
    private async Task StopDeliveryAsync()
    {
        await Schedule.StopAsync().ConfigureAwait(false);
        // A full disk keeps the previous file (replaced atomically) and must not stop the broker from closing its store.
        PersistAtStop("persist delay progress at stop", static b => b.Schedule.Persist());
    }
}
