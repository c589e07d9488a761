using Microsoft.Extensions.Time.Testing;
using Mq.Storage;
using Mq.Storage.Devices;

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
        var stalling = new StallingProvider(harness.Provider);
        harness.Provider = stalling;
        var store = await harness.OpenAsync();
        Assert.That(store.Append(StoreHarness.Message("T", 0, "before")).Status, Is.EqualTo(PutMessageStatus.PutOk));

        stalling.Armed = true;
        Task<AppendResult> stalled = Task.Run(() => store.Append(StoreHarness.Message("T", 0, "stalled")));
        Assert.That(stalling.Entered.Wait(Timeout), Is.True, "the append reached the device inside the lock");

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        AppendResult refused = store.Append(StoreHarness.Message("T", 0, "refused"));

        stalling.Release.Set();
        AppendResult completed = await stalled.WaitAsync(Timeout);
        Assert.That(refused.Status, Is.EqualTo(PutMessageStatus.OsPageCacheBusy));
        Assert.That(completed.Status, Is.EqualTo(PutMessageStatus.PutOk), "the slow append itself completes");
        Assert.That(store.Append(StoreHarness.Message("T", 0, "after")).Status, Is.EqualTo(PutMessageStatus.PutOk), "busy ends with the slow append");
    }

    /// <summary>Blocks the first commit-log write after <see cref="Armed"/> until <see cref="Release"/> is set.</summary>
    private sealed class StallingProvider(ISegmentDeviceProvider inner) : ISegmentDeviceProvider
    {
        private int _armed;

        public bool Armed { set => Volatile.Write(ref _armed, value ? 1 : 0); }

        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public ISegmentDevice Open(string path, long length) => new StallingDevice(inner.Open(path, length), this);

        public bool Exists(string path) => inner.Exists(path);

        public void Delete(string path) => inner.Delete(path);

        public void CreateMarker(string path) => inner.CreateMarker(path);

        public IReadOnlyList<string> ListFiles(string directory) => inner.ListFiles(directory);

        public IReadOnlyList<string> ListDirectories(string directory) => inner.ListDirectories(directory);

        public void DeleteDirectoryIfEmpty(string directory) => inner.DeleteDirectoryIfEmpty(directory);

        private void MaybeStall(string path)
        {
            if (path.Contains("commitlog", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Entered.Set();
                Release.Wait(Timeout);
            }
        }

        private sealed class StallingDevice(ISegmentDevice device, StallingProvider owner) : ISegmentDevice
        {
            public string Path => device.Path;

            public long Length => device.Length;

            public void Write(long offset, ReadOnlySpan<byte> data)
            {
                owner.MaybeStall(device.Path);
                device.Write(offset, data);
            }

            public int Read(long offset, Span<byte> destination) => device.Read(offset, destination);

            public void Flush() => device.Flush();

            public bool TryGetMemory(out Memory<byte> memory) => device.TryGetMemory(out memory);

            public void Dispose() => device.Dispose();
        }
    }
}
