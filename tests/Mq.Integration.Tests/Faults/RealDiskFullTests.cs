using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mq.Brokers;
using Mq.Messages;
using Mq.Protocol;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Faults;

/// <summary>
/// A real ENOSPC: the broker's store on a 4 MiB tmpfs that another writer fills up. Pre-allocating the next
/// commit-log segment fails with IOException (fallocate: no space), the send that needs it is answered SYSTEM_ERROR
/// "create mapped file failed", the broker keeps running and serving reads, and sends resume once space returns.
/// The disk probe is pinned low so the ENOSPC path is reached before the usage check would refuse writes. Needs
/// permission to mount a tmpfs (root); skipped otherwise.
/// </summary>
[TestFixture]
[Platform(Include = "Linux")]
[Category("Fault")]
[NonParallelizable]
public sealed class RealDiskFullTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private TempDirectory _directory = null!;
    private string _mount = null!;
    private bool _mounted;

    [SetUp]
    public async Task SetUp()
    {
        _directory = new TempDirectory("mq-enospc");
        _mount = _directory.Combine("volume");
        Directory.CreateDirectory(_mount);
        (int code, string output) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", _mount);
        if (code != 0)
        {
            Assert.Ignore("cannot mount a small tmpfs here (needs root): " + output);
        }
        _mounted = true;
    }

    [TearDown]
    public async Task TearDown()
    {
        if (_mounted)
        {
            await RunAsync("umount", "-l", _mount);
        }
        _directory.Dispose();
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        try
        {
            using Process process = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string output = await process.StandardOutput.ReadToEndAsync(timeout.Token) + await process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }

    [Test]
    public async Task SegmentPreallocationHitsEnospc_TheSendFailsCleanly_AndResumesWhenSpaceReturns()
    {
        (string store, BrokerOptions options, SettableDiskSpaceProbe disk) = SmallStore();
        Broker broker = await Broker.StartWithStoreServicesAsync(options, null, null, null, disk, CancellationToken.None);
        var acknowledged = new List<string>();
        try
        {
            await using (var client = new BrokerTestClient(broker.Address))
            {
                Assert.That(await SendAsync(client, "first"), Is.EqualTo((ResponseCode.Success, (string?)null)));
                acknowledged.Add("first");
                // Config files (topic, subscription group) are written now, while there is room.
                Assert.That(await ReadAllAsync(broker, client), Is.EqualTo(acknowledged));
                await WaitUntilAsync(() => broker.Store.CommitLog.IsNextSegmentPrepared);
                await AssertSpaceIsReservedAsync(Path.Combine(store, "commitlog"));

                // Another writer takes every free byte of the volume.
                string ballast = Path.Combine(_mount, "ballast");
                Fill(ballast);

                (int Code, string? Remark) last = (ResponseCode.Success, null);
                using (var deadline = new CancellationTokenSource(Timeout))
                {
                    for (int i = 0; last.Code == ResponseCode.Success; i++)
                    {
                        deadline.Token.ThrowIfCancellationRequested();
                        string body = "m" + i.ToString(CultureInfo.InvariantCulture) + new string('e', 4000);
                        last = await SendAsync(client, body);
                        if (last.Code == ResponseCode.Success)
                        {
                            acknowledged.Add(body);
                        }
                    }
                }
                Assert.That(last, Is.EqualTo((ResponseCode.SystemError, (string?)"create mapped file failed, server is busy or broken.")));
                Assert.That(acknowledged.Count, Is.GreaterThan(200), "the pre-allocated segment was used before space ran out");
                Assert.That(await ReadAllAsync(broker, client), Is.EqualTo(acknowledged), "the broker keeps serving reads");

                File.Delete(ballast);
                Assert.That(await SendAsync(client, "after"), Is.EqualTo((ResponseCode.Success, (string?)null)), "sends resume when space returns");
                acknowledged.Add("after");
            }
            await broker.DisposeAsync();
            broker = await Broker.StartWithStoreServicesAsync(options, null, null, null, disk, CancellationToken.None);
            await using (var client = new BrokerTestClient(broker.Address))
            {
                Assert.That(await ReadAllAsync(broker, client), Is.EqualTo(acknowledged), "nothing acknowledged was lost");
            }
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    [Test]
    public async Task A_broker_stopped_on_a_full_volume_closes_cleanly_and_keeps_what_it_stored()
    {
        (_, BrokerOptions options, SettableDiskSpaceProbe disk) = SmallStore();
        Broker broker = await Broker.StartWithStoreServicesAsync(options, null, null, null, disk, CancellationToken.None);
        var acknowledged = new List<string>();
        try
        {
            await using (var client = new BrokerTestClient(broker.Address))
            {
                for (int i = 0; i < 10; i++)
                {
                    string body = "kept-" + i.ToString(CultureInfo.InvariantCulture);
                    Assert.That(await SendAsync(client, body), Is.EqualTo((ResponseCode.Success, (string?)null)));
                    acknowledged.Add(body);
                }
                Assert.That(await ReadAllAsync(broker, client), Is.EqualTo(acknowledged));
            }

            // The stop writes every config file (topics, groups, offsets, delay progress): none has room now.
            string ballast = Path.Combine(_mount, "ballast");
            Fill(ballast);
            Assert.That(async () => await broker.DisposeAsync(), Throws.Nothing);
            File.Delete(ballast);

            broker = await Broker.StartWithStoreServicesAsync(options, null, null, null, disk, CancellationToken.None);
            await using (var client = new BrokerTestClient(broker.Address))
            {
                Assert.That(await ReadAllAsync(broker, client), Is.EqualTo(acknowledged), "nothing acknowledged was lost");
            }
        }
        finally
        {
            await broker.DisposeAsync();
        }
    }

    /// <summary>
    /// A mapped store sized for the 4 MiB volume (1 MiB segments); the disk probe is pinned low so that the
    /// real ENOSPC is reached before the usage check would refuse writes.
    /// </summary>
    private (string Store, BrokerOptions Options, SettableDiskSpaceProbe Disk) SmallStore()
    {
        string store = Path.Combine(_mount, "store");
        BrokerOptions options = BrokerHarness.Options(store, o =>
        {
            o.MappedFileSizeCommitLog = 1024 * 1024;
            o.MappedFileSizeConsumeQueue = 20 * 4000;
            o.MaxMessageSize = 64 * 1024;
            o.MaxIndexNum = 8000;
            o.DeviceKind = Storage.Devices.SegmentDeviceKind.Mapped;
        });
        return (store, options, new SettableDiskSpaceProbe { Ratio = 0.10 });
    }

    /// <summary>
    /// The store writes segments through a mapping: that is only safe on a full volume if their blocks were reserved
    /// when the files were created (otherwise a write would fault). Checks the allocated blocks of each segment.
    /// </summary>
    private static async Task AssertSpaceIsReservedAsync(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory))
        {
            (int code, string output) = await RunAsync("stat", "-c", "%b %B %s", file);
            Assert.That(code, Is.Zero, output);
            string[] parts = output.Trim().Split(' ');
            long allocated = long.Parse(parts[0], CultureInfo.InvariantCulture) * long.Parse(parts[1], CultureInfo.InvariantCulture);
            long size = long.Parse(parts[2], CultureInfo.InvariantCulture);
            if (allocated < size)
            {
                Assert.Ignore($"{file}: {allocated} of {size} bytes allocated; this volume does not reserve pre-allocated space");
            }
        }
    }

    private static void Fill(string path)
    {
        byte[] block = new byte[64 * 1024];
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        while (true)
        {
            try
            {
                stream.Write(block);
            }
            catch (IOException)
            {
                // Now try smaller pieces until not a byte is left.
                for (int size = block.Length / 2; size > 0; size /= 2)
                {
                    try
                    {
                        while (true)
                        {
                            stream.Write(block, 0, size);
                        }
                    }
                    catch (IOException)
                    {
                        // Next smaller size.
                    }
                }
                return;
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    private static async Task<(int Code, string? Remark)> SendAsync(BrokerTestClient client, string body)
    {
        using RemotingCommand response = await client.SendAsync("EnospcTopic", Encoding.UTF8.GetBytes(body), queueId: 0).WaitAsync(Timeout);
        return (response.Code, response.Remark);
    }

    private static async Task<List<string>> ReadAllAsync(Broker broker, BrokerTestClient client)
    {
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        var bodies = new List<string>();
        long offset = 0;
        while (true)
        {
            using RemotingCommand pull = await client.PullAsync("EnospcReader", "EnospcTopic", 0, offset).WaitAsync(Timeout);
            if (pull.Code != ResponseCode.Success)
            {
                return bodies;
            }
            foreach (DecodedMessage message in BrokerTestClient.DecodeAll(pull.Body.Span))
            {
                bodies.Add(Encoding.UTF8.GetString(message.Body));
                offset++;
            }
        }
    }
}
