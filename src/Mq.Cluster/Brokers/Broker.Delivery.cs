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

    /// <summary>RocketMQ 5 timer messages and their delivery (rmq_sys_wheel_timer).</summary>
    internal TimerMessageService Timers { get; private set; } = null!;

    /// <summary>Half messages, op records and the check-back loop.</summary>
    internal TransactionalMessageService Transactions { get; private set; } = null!;

    /// <summary>Creates the retry/delay/transaction/lock components and their put hooks (called from the constructor).</summary>
    private void InitDelivery()
    {
        QueueLocks = new RebalanceLockManager(Time, Options.RebalanceLockMaxLiveTime);
        Schedule = new ScheduleMessageService(this);
        Timers = new TimerMessageService(this);
        Transactions = new TransactionalMessageService(this);
        // Order matters: a transactional half message is redirected first, so the delay hooks leave it alone; the
        // timer hook drops the timer properties of a message with a delay level before the delay hook parks it.
        AddPutHook(new TransactionPutHook(this));
        AddPutHook(new TimerPutHook(Options, Time));
        AddPutHook(new DelayPutHook(Schedule.MaxLevel));
    }

    /// <summary>Loads persisted delivery state (before the server accepts requests).</summary>
    private void LoadDelivery()
    {
        Schedule.Load();
        Timers.Load();
    }

    /// <summary>Starts delay delivery, delay-progress persistence and transaction checks.</summary>
    private void StartDelivery()
    {
        Schedule.Start(Stopping);
        Timers.Start(Stopping);
        _loops.Add(RunPeriodicAsync("persist-delay-offsets", Options.FlushDelayOffsetInterval, _ =>
        {
            Schedule.Persist();
            Timers.Persist();
            return Task.CompletedTask;
        }));
        _loops.Add(RunPeriodicAsync("transaction-check", Options.TransactionCheckInterval, Transactions.CheckAsync));
    }

    /// <summary>Stops delay delivery and writes its final progress (after <see cref="Stopping"/> was cancelled).</summary>
    private async Task StopDeliveryAsync()
    {
        await Schedule.StopAsync().ConfigureAwait(false);
        await Timers.StopAsync().ConfigureAwait(false);
        // A full disk keeps the previous file (replaced atomically) and must not stop the broker from closing its store.
        PersistAtStop("persist delay progress at stop", static b => b.Schedule.Persist());
        PersistAtStop("persist timer progress at stop", static b => b.Timers.Persist());
    }
}
