using Microsoft.Extensions.Time.Testing;
using Mq.Storage;
using Mq.Storage.Devices;
using Mq.TestKit;

namespace Mq.Tests;

/// <summary>An append stuck inside the commit-log lock makes other appends fail fast with OS_PAGE_CACHE_BUSY.</summary>
public sealed class PageCacheBusyTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Appends_are_refused_while_another_append_holds_the_lock_past_the_busy_timeout()
    {
        await using var harness = new StoreHarness(SegmentDeviceKind.File, o => o.OsPageCacheBusyTimeout = TimeSpan.FromSeconds(1));
        harness.Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int armed = 0;
        // Stalls the first commit-log write after arming until released: an append stuck inside the lock.
        harness.Provider = new FaultySegmentDeviceProvider(harness.Provider)
        {
            Target = FaultySegmentDeviceProvider.CommitLogOnly,
            BeforeWrite = _ =>
            {
                if (Interlocked.Exchange(ref armed, 0) == 1)
                {
                    entered.Set();
                    release.Wait(Timeout);
                }
            },
        };
        var store = await harness.OpenAsync();
        Assert.That(store.Append(StoreHarness.Message("T", 0, "before")).Status, Is.EqualTo(PutMessageStatus.PutOk));

        Volatile.Write(ref armed, 1);
        Task<AppendResult> stalled = Task.Run(() => store.Append(StoreHarness.Message("T", 0, "stalled")));
        Assert.That(entered.Wait(Timeout), Is.True, "the append reached the device inside the lock");

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        AppendResult refused = store.Append(StoreHarness.Message("T", 0, "refused"));

        release.Set();
        AppendResult completed = await stalled.WaitAsync(Timeout);
        Assert.That(refused.Status, Is.EqualTo(PutMessageStatus.OsPageCacheBusy));
        Assert.That(completed.Status, Is.EqualTo(PutMessageStatus.PutOk), "the slow append itself completes");
        Assert.That(store.Append(StoreHarness.Message("T", 0, "after")).Status, Is.EqualTo(PutMessageStatus.PutOk), "busy ends with the slow append");
    }
}
