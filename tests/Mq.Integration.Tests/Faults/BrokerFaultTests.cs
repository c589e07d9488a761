using System.Globalization;
using System.Text;
using Mq.Brokers;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol;
using Mq.Storage;
using Mq.Storage.Devices;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Faults;

/// <summary>
/// A broker whose store runs on a fault-injecting device and a simulated disk: failed commit-log writes, failed
/// fdatasyncs, a full disk (usage above the warning ratio) and a volume that cannot create segments. Each failing send
/// gets RocketMQ 4.9's response code (SendMessageProcessor.handlePutMessageResult), reads go on during the fault, and
/// after the fault clears (and after a restart) every SEND_OK message is readable while no failed one appears.
/// </summary>
[Category("Fault")]
public sealed class BrokerFaultTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Topic = "FaultTopic";

    private TempDirectory _directory = null!;
    private FaultySegmentDeviceProvider _faulty = null!;
    private SettableDiskSpaceProbe _disk = null!;
    private Broker? _broker;
    private BrokerTestClient? _client;

    [SetUp]
    public void SetUp()
    {
        _directory = new TempDirectory("mq-faults");
        _faulty = new FaultySegmentDeviceProvider(new FileSegmentDeviceProvider(mapped: false)) { Target = FaultySegmentDeviceProvider.CommitLogOnly };
        _disk = new SettableDiskSpaceProbe();
    }

    [TearDown]
    public async Task TearDown()
    {
        await StopAsync();
        _directory.Dispose();
    }

    private async Task<BrokerTestClient> StartAsync(Action<BrokerOptions>? configure = null)
    {
        _broker = await Broker.StartWithStoreServicesAsync(BrokerHarness.Options(_directory.Path, o =>
        {
            o.CleanResourceInterval = TimeSpan.FromMilliseconds(50);
            configure?.Invoke(o);
        }), null, null, _faulty, _disk, CancellationToken.None);
        _client = new BrokerTestClient(_broker.Address);
        return _client;
    }

    private async Task StopAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
            _client = null;
        }
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
            _broker = null;
        }
    }

    private static async Task<(int Code, string? Remark, long QueueOffset)> SendAsync(BrokerTestClient client, string body)
    {
        using RemotingCommand response = await client.SendAsync(Topic, Encoding.UTF8.GetBytes(body), BrokerTestClient.Properties(("KEYS", body)), queueId: 0)
            .WaitAsync(Timeout);
        string? offset = response.ExtFields["queueOffset"];
        return (response.Code, response.Remark, offset is null ? -1 : long.Parse(offset, CultureInfo.InvariantCulture));
    }

    /// <summary>Every body of queue 0, read from offset 0 (CRC checked), plus the queue offsets.</summary>
    private async Task<List<string>> ReadAllAsync(BrokerTestClient client)
    {
        await _broker!.Store.WaitForDispatchAsync(_broker.Store.CommitLogMaxOffset).AsTask().WaitAsync(Timeout);
        var bodies = new List<string>();
        long offset = 0;
        while (true)
        {
            using RemotingCommand pull = await client.PullAsync("FaultReader", Topic, 0, offset).WaitAsync(Timeout);
            if (pull.Code != ResponseCode.Success)
            {
                return bodies;
            }
            foreach (DecodedMessage message in BrokerTestClient.DecodeAll(pull.Body.Span))
            {
                Assert.That(message.QueueOffset, Is.EqualTo(offset), "queue offsets are contiguous");
                Assert.That(message.Keys, Is.EqualTo(Encoding.UTF8.GetString(message.Body)), "properties intact");
                bodies.Add(Encoding.UTF8.GetString(message.Body));
                offset++;
            }
        }
    }

    [Test]
    public async Task AConfigFileThatCannotBeWrittenAtStop_IsLogged_AndTheStopCompletes()
    {
        using var root = new TempDirectory();
        Broker broker = await BrokerHarness.StartAsync(root.Path);
        string config = Path.Combine(root.Path, "config");
        // The subscription groups cannot be saved (their temp file's name is taken by a folder), as on a full disk.
        Directory.CreateDirectory(Path.Combine(config, "subscriptionGroup.json.tmp"));
        // The topics are saved after the groups at stop; remove them to see that the stop got that far.
        File.Delete(Path.Combine(config, "topics.json"));
        File.Delete(Path.Combine(config, "topics.json.bak"));

        Assert.That(async () => await broker.DisposeAsync(), Throws.Nothing);
        Assert.That(File.Exists(Path.Combine(config, "topics.json")), Is.True, "the files after the failed one are still written");
        // The store was closed too: the folder opens again.
        await using Broker restarted = await BrokerHarness.StartAsync(root.Path);
        Assert.That(restarted.Topics.Find(TopicValidator.AutoCreateTopicKey), Is.Not.Null);
    }

    [Test]
    public async Task FailedCommitLogWrite_AnswersSystemError_AndStoresNothing([Values(0, 50)] int shortWriteBytes)
    {
        BrokerTestClient client = await StartAsync();
        Assert.That((await SendAsync(client, "a")).Code, Is.EqualTo(ResponseCode.Success));

        _faulty.ShortWriteBytes = shortWriteBytes;
        _faulty.FailWrite = true;
        (int code, string? remark, _) = await SendAsync(client, "b-failed");
        // 4.9: UNKNOWN_ERROR -> SYSTEM_ERROR "UNKNOWN_ERROR".
        Assert.That((code, remark), Is.EqualTo((ResponseCode.SystemError, "UNKNOWN_ERROR")));
        Assert.That(await ReadAllAsync(client), Is.EqualTo(new[] { "a" }), "reads go on during the fault");

        _faulty.FailWrite = false;
        (int okCode, _, long queueOffset) = await SendAsync(client, "c");
        Assert.That((okCode, queueOffset), Is.EqualTo((ResponseCode.Success, 1L)), "the failed send took no queue offset");
        Assert.That(await ReadAllAsync(client), Is.EqualTo(new[] { "a", "c" }));

        await StopAsync();
        client = await StartAsync();
        Assert.That(await ReadAllAsync(client), Is.EqualTo(new[] { "a", "c" }), "after a restart");
    }

    [Test]
    public async Task FailedFlush_WithSyncFlush_RefusesSendsUntilRestart_AndKeepsEverythingAcknowledged()
    {
        BrokerTestClient client = await StartAsync(o => o.FlushDiskType = FlushDiskType.SyncFlush);
        Assert.That((await SendAsync(client, "a")).Code, Is.EqualTo(ResponseCode.Success));

        _faulty.FailFlush = true;
        // The send whose fdatasync failed: its durability is unknown, never SEND_OK (UNKNOWN_ERROR -> SYSTEM_ERROR).
        Assert.That((await SendAsync(client, "b-unknown")).Code, Is.EqualTo(ResponseCode.SystemError));
        // From then on the store refuses writes (fsyncgate: a retried fdatasync may report success for lost pages).
        (int code, string? remark, _) = await SendAsync(client, "c-refused");
        Assert.That(code, Is.EqualTo(ResponseCode.ServiceNotAvailable));
        Assert.That(remark, Does.StartWith("service not available now.").And.Contain("FlushFailed"));
        Assert.That(_broker!.Store.WriteRefusal, Is.EqualTo(WriteRefusal.FlushFailed));
        List<string> during = await ReadAllAsync(client);
        Assert.That(during[0], Is.EqualTo("a"), "reads go on during the fault");
        Assert.That(during, Does.Not.Contain("c-refused"));

        _faulty.FailFlush = false;
        Assert.That((await SendAsync(client, "d-still-refused")).Code, Is.EqualTo(ResponseCode.ServiceNotAvailable),
            "the store does not trust the device again by itself");

        await StopAsync();
        client = await StartAsync(o => o.FlushDiskType = FlushDiskType.SyncFlush);
        Assert.That(_broker!.Store.RecoveredFromCrash, Is.True, "a store whose flush failed is verified at the next start");
        Assert.That((await SendAsync(client, "e")).Code, Is.EqualTo(ResponseCode.Success));
        List<string> after = await ReadAllAsync(client);
        Assert.That(after, Does.Contain("a").And.Contain("e").And.Not.Contain("c-refused").And.Not.Contain("d-still-refused"));
        Assert.That(after.Count, Is.AnyOf(2, 3), "b-unknown may or may not have survived, but whole if at all");
    }

    [Test]
    public async Task DiskFull_RefusesSendsWithServiceNotAvailable_AndResumesByItself()
    {
        BrokerTestClient client = await StartAsync();
        var acknowledged = new List<string>();
        Assert.That((await SendAsync(client, "before")).Code, Is.EqualTo(ResponseCode.Success));
        acknowledged.Add("before");

        _disk.Ratio = 0.95;
        (int code, string? remark) refused = default;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            for (int i = 0; refused.code != ResponseCode.ServiceNotAvailable; i++)
            {
                deadline.Token.ThrowIfCancellationRequested();
                (int code, string? remark, _) = await SendAsync(client, "filling-" + i);
                if (code == ResponseCode.Success)
                {
                    acknowledged.Add("filling-" + i);
                }
                refused = (code, remark);
            }
        }
        // 4.9: SERVICE_NOT_AVAILABLE with the disk usage as diskUtil() formats it.
        Assert.That(refused.remark, Does.Contain("the broker's disk is full [CL:  0.95 CQ:  0.95 INDEX:  0.95]"));
        Assert.That((await SendAsync(client, "refused")).Code, Is.EqualTo(ResponseCode.ServiceNotAvailable));
        Assert.That(await ReadAllAsync(client), Is.EqualTo(acknowledged), "reads go on while the disk is full");

        _disk.Ratio = 0.50;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            for (int i = 0; ; i++)
            {
                deadline.Token.ThrowIfCancellationRequested();
                (int code, _, _) = await SendAsync(client, "resumed-" + i);
                Assert.That(code, Is.AnyOf(ResponseCode.Success, ResponseCode.ServiceNotAvailable));
                if (code == ResponseCode.Success)
                {
                    acknowledged.Add("resumed-" + i);
                    break;
                }
            }
        }
        Assert.That(await ReadAllAsync(client), Is.EqualTo(acknowledged));
        await StopAsync();
        client = await StartAsync();
        Assert.That(await ReadAllAsync(client), Is.EqualTo(acknowledged), "nothing stored was lost");
    }

    [Test]
    public async Task NoSpaceForANewSegment_AnswersCreateMappedFileFailed_AndTheBrokerKeepsServing()
    {
        BrokerTestClient client = await StartAsync(o =>
        {
            o.MappedFileSizeCommitLog = 64 * 1024;
            o.MaxMessageSize = 16 * 1024;
        });
        var acknowledged = new List<string>();
        Assert.That((await SendAsync(client, "first")).Code, Is.EqualTo(ResponseCode.Success));
        acknowledged.Add("first");
        _faulty.DiskFull = true;
        (int code, string? remark) last = default;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            for (int i = 0; last.code == ResponseCode.Success || i == 0; i++)
            {
                deadline.Token.ThrowIfCancellationRequested();
                string body = i.ToString(CultureInfo.InvariantCulture) + new string('n', 2000);
                (int code, string? remark, _) = await SendAsync(client, body);
                if (code == ResponseCode.Success)
                {
                    acknowledged.Add(body);
                }
                last = (code, remark);
            }
        }
        // 4.9: CREATE_MAPEDFILE_FAILED -> SYSTEM_ERROR "create mapped file failed, server is busy or broken."
        Assert.That(last, Is.EqualTo((ResponseCode.SystemError, "create mapped file failed, server is busy or broken.")));
        Assert.That(await ReadAllAsync(client), Is.EqualTo(acknowledged), "the broker keeps serving reads");

        _faulty.DiskFull = false;
        Assert.That((await SendAsync(client, "after")).Code, Is.EqualTo(ResponseCode.Success), "sends resume once a segment can be created");
        acknowledged.Add("after");
        await StopAsync();
        client = await StartAsync(o =>
        {
            o.MappedFileSizeCommitLog = 64 * 1024;
            o.MaxMessageSize = 16 * 1024;
        });
        Assert.That(await ReadAllAsync(client), Is.EqualTo(acknowledged));
    }
}
