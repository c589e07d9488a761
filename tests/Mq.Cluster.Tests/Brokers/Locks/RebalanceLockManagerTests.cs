using Mq.Brokers.Locks;
using Mq.Protocol.Body;

namespace Mq.Tests.Brokers.Locks;

public sealed class RebalanceLockManagerTests
{
    private static readonly MessageQueue Q0 = new("T", "broker-a", 0);
    private static readonly MessageQueue Q1 = new("T", "broker-a", 1);

    [Test]
    public void First_locker_holds_the_queue_and_others_are_refused()
    {
        var time = new ManualTime();
        var locks = new RebalanceLockManager(time, TimeSpan.FromSeconds(60));
        Assert.That(locks.TryLockBatch("G", [Q0, Q1], "a"), Is.EquivalentTo(new[] { Q0, Q1 }));
        Assert.That(locks.TryLockBatch("G", [Q0, Q1], "b"), Is.Empty);
        Assert.That(locks.IsLocked("G", Q0, "a"), Is.True);
        Assert.That(locks.IsLocked("G", Q0, "b"), Is.False);
        // Another group is independent.
        Assert.That(locks.TryLockBatch("H", [Q0], "b"), Is.EquivalentTo(new[] { Q0 }));
    }

    [Test]
    public void Expired_lock_is_taken_over_but_a_renewed_one_is_not()
    {
        var time = new ManualTime();
        var locks = new RebalanceLockManager(time, TimeSpan.FromSeconds(60));
        locks.TryLockBatch("G", [Q0, Q1], "a");
        time.Advance(TimeSpan.FromSeconds(50));
        locks.TryLockBatch("G", [Q1], "a"); // renews Q1 only
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.That(locks.TryLockBatch("G", [Q0, Q1], "b"), Is.EquivalentTo(new[] { Q0 }));
        Assert.That(locks.IsLocked("G", Q0, "a"), Is.False);
        Assert.That(locks.IsLocked("G", Q1, "a"), Is.True);
    }

    [Test]
    public void Lock_exactly_at_max_live_time_is_still_held()
    {
        var time = new ManualTime();
        var locks = new RebalanceLockManager(time, TimeSpan.FromSeconds(60));
        locks.TryLockBatch("G", [Q0], "a");
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.That(locks.TryLockBatch("G", [Q0], "b"), Is.Empty);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(locks.TryLockBatch("G", [Q0], "b"), Is.EquivalentTo(new[] { Q0 }));
    }

    [Test]
    public void Only_the_holder_unlocks()
    {
        var time = new ManualTime();
        var locks = new RebalanceLockManager(time, TimeSpan.FromSeconds(60));
        locks.TryLockBatch("G", [Q0, Q1], "a");
        locks.UnlockBatch("G", [Q0, Q1], "b");
        Assert.That(locks.TryLockBatch("G", [Q0, Q1], "b"), Is.Empty);
        locks.UnlockBatch("G", [Q0], "a");
        Assert.That(locks.TryLockBatch("G", [Q0, Q1], "b"), Is.EquivalentTo(new[] { Q0 }));
        locks.UnlockBatch("unknown-group", [Q0], "a");
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
