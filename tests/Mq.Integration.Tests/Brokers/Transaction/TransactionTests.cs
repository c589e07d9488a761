using System.Text;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.TestKit;
using Mq.TestKit.Brokers;
using Mq.Tests.Brokers.Schedule;

namespace Mq.Tests.Brokers.Transaction;

[Category("Integration")]
public sealed class TransactionTests
{
    private static string HalfProperties(string uniqueId) =>
        BrokerTestClient.Properties(("TRAN_MSG", "true"), ("PGROUP", "PG"), ("UNIQ_KEY", uniqueId), ("TAGS", "tx"), ("KEYS", "order-1"));

    private static EndTransactionRequestHeader End(RemotingCommand sent, int verdict, string uniqueId) => new()
    {
        ProducerGroup = "PG",
        TranStateTableOffset = long.Parse(sent.ExtFields.GetRequiredString("queueOffset"u8), System.Globalization.CultureInfo.InvariantCulture),
        CommitLogOffset = DeliveryProbe.CommitLogOffset(sent),
        CommitOrRollback = verdict,
        FromTransactionCheck = false,
        MsgId = uniqueId,
        TransactionId = uniqueId,
    };

    [Test]
    public async Task Half_message_is_invisible_commit_delivers_and_rollback_never_does()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand rolledBack = await client.SendAsync("TxTopic", Encoding.UTF8.GetBytes("no"), HalfProperties("U-no"), queueId: 2);
        using RemotingCommand committed = await client.SendAsync("TxTopic", Encoding.UTF8.GetBytes("yes"), HalfProperties("U-yes"), queueId: 2);
        Assert.That(committed.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(committed.ExtFields.GetRequiredString("queueId"u8), Is.EqualTo("2"));

        Assert.That(await DeliveryProbe.ReadAsync(client, "TxTopic", 2), Is.Empty, "half messages are invisible");
        List<DecodedMessage> halves = await DeliveryProbe.WaitForAsync(client, "RMQ_SYS_TRANS_HALF_TOPIC", 0, 2);
        Assert.That(halves, Has.Count.EqualTo(2));
        Assert.That(halves[1].Properties["REAL_TOPIC"], Is.EqualTo("TxTopic"));
        Assert.That(halves[1].Properties["REAL_QID"], Is.EqualTo("2"));
        Assert.That(MessageSysFlag.TransactionType(halves[1].SysFlag), Is.EqualTo(MessageSysFlag.TransactionNotType));

        using (RemotingCommand response = await client.InvokeAsync(RequestCode.EndTransaction, End(rolledBack, MessageSysFlag.TransactionRollbackType, "U-no")))
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand response = await client.InvokeAsync(RequestCode.EndTransaction, End(committed, MessageSysFlag.TransactionCommitType, "U-yes")))
        {
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success), response.Remark);
        }
        List<DecodedMessage> delivered = await DeliveryProbe.WaitForAsync(client, "TxTopic", 2, 1);
        DecodedMessage message = delivered.Single();
        Assert.That(Encoding.UTF8.GetString(message.Body), Is.EqualTo("yes"));
        Assert.That(message.Properties, Does.Not.ContainKey("REAL_TOPIC").And.Not.ContainKey("REAL_QID").And.Not.ContainKey("TRAN_MSG"));
        Assert.That(message.Properties["UNIQ_KEY"], Is.EqualTo("U-yes"));
        Assert.That(message.Properties["PGROUP"], Is.EqualTo("PG"));
        Assert.That(MessageSysFlag.TransactionType(message.SysFlag), Is.EqualTo(MessageSysFlag.TransactionCommitType));
        Assert.That(message.PreparedTransactionOffset, Is.EqualTo(DeliveryProbe.CommitLogOffset(committed)));

        List<DecodedMessage> ops = await DeliveryProbe.WaitForAsync(client, "RMQ_SYS_TRANS_OP_HALF_TOPIC", 0, 2);
        Assert.That(ops.Select(o => Encoding.UTF8.GetString(o.Body)), Is.EqualTo(new[] { "0", "1" }));
        Assert.That(ops.Select(o => o.Tags), Is.All.EqualTo("d"));
    }

    [Test]
    public async Task Mismatched_verdicts_are_refused_with_rocketmq_remarks()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("TxTopic", [1], HalfProperties("U1"));

        EndTransactionRequestHeader wrongGroup = End(sent, MessageSysFlag.TransactionCommitType, "U1");
        wrongGroup.ProducerGroup = "Other";
        EndTransactionRequestHeader wrongQueueOffset = End(sent, MessageSysFlag.TransactionCommitType, "U1");
        wrongQueueOffset.TranStateTableOffset = 7;
        EndTransactionRequestHeader missing = End(sent, MessageSysFlag.TransactionCommitType, "U1");
        missing.CommitLogOffset = broker.Store.CommitLogMaxOffset + 4096;
        foreach ((EndTransactionRequestHeader header, string remark) in new[]
        {
            (wrongGroup, "The producer group wrong"),
            (wrongQueueOffset, "The transaction state table offset wrong"),
            (missing, "Find prepared transaction message failed"),
        })
        {
            using RemotingCommand response = await client.InvokeAsync(RequestCode.EndTransaction, header);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.SystemError));
            Assert.That(response.Remark, Is.EqualTo(remark));
        }
        Assert.That(await DeliveryProbe.ReadAsync(client, "TxTopic", 0), Is.Empty);
        Assert.That(await DeliveryProbe.ReadAsync(client, "RMQ_SYS_TRANS_OP_HALF_TOPIC", 0), Is.Empty);
    }

    [Test]
    public async Task Unknown_verdict_leads_to_a_check_back_whose_commit_delivers()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o =>
        {
            o.TransactionCheckInterval = TimeSpan.FromMilliseconds(200);
            o.TransactionTimeOut = TimeSpan.FromMilliseconds(300);
        });
        await using var producer = new BrokerTestClient(broker.Address, "10.0.0.9@producer");
        producer.RecordCallbacks(RequestCode.CheckTransactionState);
        using (RemotingCommand heartbeat = await producer.HeartbeatAsync(null, [], producerGroup: "PG"))
        {
            Assert.That(heartbeat.Code, Is.EqualTo(ResponseCode.Success));
        }
        using RemotingCommand sent = await producer.SendAsync("TxTopic", Encoding.UTF8.GetBytes("checked"), HalfProperties("U-check"));
        await producer.InvokeOnewayAsync(RequestCode.EndTransaction, End(sent, MessageSysFlag.TransactionNotType, "U-check"));

        Dictionary<string, string?> check = await NextCheckAsync(producer);
        Assert.That(check["msgId"], Is.EqualTo("U-check"));
        Assert.That(check["transactionId"], Is.EqualTo("U-check"));
        Assert.That(await DeliveryProbe.ReadAsync(producer, "TxTopic", 0), Is.Empty, "unknown is not a commit");

        var verdict = new EndTransactionRequestHeader
        {
            ProducerGroup = "PG",
            TranStateTableOffset = long.Parse(check["tranStateTableOffset"]!, System.Globalization.CultureInfo.InvariantCulture),
            CommitLogOffset = long.Parse(check["commitLogOffset"]!, System.Globalization.CultureInfo.InvariantCulture),
            CommitOrRollback = MessageSysFlag.TransactionCommitType,
            FromTransactionCheck = true,
            MsgId = "U-check",
            TransactionId = "U-check",
        };
        await producer.InvokeOnewayAsync(RequestCode.EndTransaction, verdict);
        DecodedMessage delivered = (await DeliveryProbe.WaitForAsync(producer, "TxTopic", 0, 1)).Single();
        Assert.That(Encoding.UTF8.GetString(delivered.Body), Is.EqualTo("checked"));
        Assert.That(delivered.Properties["TRANSACTION_CHECK_TIMES"], Is.Not.Null);
    }

    [Test]
    public async Task Check_request_carries_the_half_message_re_encoded_for_its_real_topic()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o =>
        {
            o.TransactionCheckInterval = TimeSpan.FromMilliseconds(200);
            o.TransactionTimeOut = TimeSpan.FromMilliseconds(100);
        });
        await using var producer = new BrokerTestClient(broker.Address, "10.0.0.9@producer");
        var checks = System.Threading.Channels.Channel.CreateUnbounded<(string OffsetMsgId, long CommitLogOffset, byte[] Body)>();
        producer.Client.RegisterHandler(RequestCode.CheckTransactionState, (_, request, _) =>
        {
            checks.Writer.TryWrite((request.ExtFields.GetRequiredString("offsetMsgId"u8), request.ExtFields.GetRequiredInt64("commitLogOffset"u8), request.Body.ToArray()));
            return new ValueTask<RemotingCommand?>((RemotingCommand?)null);
        });
        using RemotingCommand heartbeat = await producer.HeartbeatAsync(null, [], producerGroup: "PG");
        using RemotingCommand sent = await producer.SendAsync("TxTopic", Encoding.UTF8.GetBytes("body"), HalfProperties("U-body"), queueId: 3);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        (string offsetMsgId, long commitLogOffset, byte[] body) = await checks.Reader.ReadAsync(timeout.Token);
        DecodedMessage half = MessageDecoder.Decode(body, checkCrc: true);
        Assert.That(half.Topic, Is.EqualTo("TxTopic"));
        Assert.That(half.QueueId, Is.EqualTo(3));
        Assert.That(half.CommitLogOffset, Is.EqualTo(commitLogOffset));
        Assert.That(half.OffsetMessageId, Is.EqualTo(offsetMsgId));
        Assert.That(Encoding.UTF8.GetString(half.Body), Is.EqualTo("body"));
        Assert.That(half.Properties["UNIQ_KEY"], Is.EqualTo("U-body"));
        Assert.That(half.Properties["TRANSACTION_CHECK_TIMES"], Is.EqualTo("1"));
        Assert.That(commitLogOffset, Is.Not.EqualTo(DeliveryProbe.CommitLogOffset(sent)), "the check names the renewed copy");
    }

    [Test]
    public async Task Half_message_checked_too_often_is_moved_aside()
    {
        using var directory = new TempDirectory();
        await using Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o =>
        {
            o.TransactionCheckInterval = TimeSpan.FromMilliseconds(100);
            o.TransactionTimeOut = TimeSpan.FromMilliseconds(100);
            o.TransactionCheckMax = 2;
        });
        await using var client = new BrokerTestClient(broker.Address);
        using RemotingCommand sent = await client.SendAsync("TxTopic", Encoding.UTF8.GetBytes("abandoned"), HalfProperties("U-max"));
        DecodedMessage moved = (await DeliveryProbe.WaitForAsync(client, "TRANS_CHECK_MAX_TIME_TOPIC", 0, 1)).Single();
        Assert.That(Encoding.UTF8.GetString(moved.Body), Is.EqualTo("abandoned"));
        Assert.That(moved.Properties["TRANSACTION_CHECK_TIMES"], Is.EqualTo("2"));
        // Original + two renewals in the half queue; never delivered.
        Assert.That(await DeliveryProbe.ReadAsync(client, "RMQ_SYS_TRANS_HALF_TOPIC", 0), Has.Count.EqualTo(3));
        Assert.That(await DeliveryProbe.ReadAsync(client, "TxTopic", 0), Is.Empty);

        // mqadmin resumeCheckHalfMessage: back into the half queue with a fresh count, so it is checked (and, unanswered,
        // given up on) again.
        using (RemotingCommand resumed = await client.InvokeAsync(RequestCode.ResumeCheckHalfMessage, BrokerTestClient.Fields(("msgId", moved.OffsetMessageId))))
        {
            Assert.That(resumed.Code, Is.EqualTo(ResponseCode.Success), resumed.Remark);
        }
        DecodedMessage again = (await DeliveryProbe.WaitForAsync(client, "TRANS_CHECK_MAX_TIME_TOPIC", 0, 2))[1];
        Assert.That((Encoding.UTF8.GetString(again.Body), again.Properties["TRANSACTION_CHECK_TIMES"], again.Properties["REAL_TOPIC"]),
            Is.EqualTo(("abandoned", "2", "TxTopic")));
        using RemotingCommand bad = await client.InvokeAsync(RequestCode.ResumeCheckHalfMessage, BrokerTestClient.Fields(("msgId", "not-an-id")));
        Assert.That(bad.Code, Is.EqualTo(ResponseCode.SystemError));
    }

    [Test]
    public async Task Unresolved_half_message_is_checked_after_a_restart()
    {
        using var directory = new TempDirectory();
        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path))
        {
            await using var client = new BrokerTestClient(broker.Address);
            using RemotingCommand sent = await client.SendAsync("TxTopic", [1], HalfProperties("U-restart"));
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        await using (Mq.Brokers.Broker broker = await BrokerHarness.StartAsync(directory.Path, o =>
        {
            o.TransactionCheckInterval = TimeSpan.FromMilliseconds(200);
            o.TransactionTimeOut = TimeSpan.FromMilliseconds(100);
        }))
        {
            await using var producer = new BrokerTestClient(broker.Address, "10.0.0.9@producer");
            producer.RecordCallbacks(RequestCode.CheckTransactionState);
            using RemotingCommand heartbeat = await producer.HeartbeatAsync(null, [], producerGroup: "PG");
            Dictionary<string, string?> check = await NextCheckAsync(producer);
            Assert.That(check["msgId"], Is.EqualTo("U-restart"));
        }
    }

    private static async Task<Dictionary<string, string?>> NextCheckAsync(BrokerTestClient producer)
    {
        Assert.That(await producer.CallbackSignal.WaitAsync(TimeSpan.FromSeconds(30)), Is.True, "no CHECK_TRANSACTION_STATE arrived");
        Assert.That(producer.Callbacks.TryDequeue(out var callback), Is.True);
        Assert.That(callback.Code, Is.EqualTo(RequestCode.CheckTransactionState));
        return callback.Fields;
    }
}
