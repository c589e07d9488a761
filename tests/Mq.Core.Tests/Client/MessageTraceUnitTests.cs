using System.Text;
using Mq.Client;
using Mq.Client.Tracing;

namespace Mq.Tests.Client;

public sealed class MessageTraceUnitTests
{
    private const char F = '\u0001';
    private const char R = '\u0002';

    [Test]
    public void A_pub_record_is_written_field_for_field_as_Javas_encoder_writes_it()
    {
        var context = new TraceContext
        {
            Type = TraceType.Pub, TimeStamp = 1_700_000_000_123, RegionId = "DefaultRegion", GroupName = "PG", CostTime = 3, IsSuccess = true,
            Beans = [new TraceBean
            {
                Topic = "Orders", MessageId = "7F0000010000000000000000000000AA", Tags = "TagA", Keys = "k1 k2", StoreHost = "127.0.0.1:10911",
                BodyLength = 5, MessageType = TraceMessageType.Delay, OffsetMessageId = "7F00000100002A9F0000000000000042",
            }],
        };
        var data = new StringBuilder();
        var keys = new List<string>();
        TraceDataEncoder.Encode(context, data, keys);

        string expected = $"Pub{F}1700000000123{F}DefaultRegion{F}PG{F}Orders{F}7F0000010000000000000000000000AA{F}TagA{F}k1 k2{F}127.0.0.1:10911{F}5{F}3{F}3{F}"
            + $"7F00000100002A9F0000000000000042{F}true{R}";
        Assert.Multiple(() =>
        {
            Assert.That(data.ToString(), Is.EqualTo(expected));
            Assert.That(keys, Is.EqualTo(new[] { "7F0000010000000000000000000000AA", "k1 k2" }), "indexed under the message id and its keys");
        });
    }

    [Test]
    public void Missing_tags_and_keys_are_written_null_and_booleans_in_lower_case_as_Java_appends_them()
    {
        var before = new TraceContext
        {
            Type = TraceType.SubBefore, TimeStamp = 5, RegionId = null, GroupName = "CG", RequestId = "REQ",
            Beans = [new TraceBean { MessageId = "M1", RetryTimes = 2, Keys = null }],
        };
        var after = new TraceContext
        {
            Type = TraceType.SubAfter, TimeStamp = 9, RequestId = "REQ", CostTime = 4, IsSuccess = false, ContextCode = 2,
            Beans = before.Beans,
        };
        var data = new StringBuilder();
        var keys = new List<string>();
        TraceDataEncoder.Encode(before, data, keys);
        TraceDataEncoder.Encode(after, data, keys);

        Assert.Multiple(() =>
        {
            Assert.That(data.ToString(), Is.EqualTo($"SubBefore{F}5{F}null{F}CG{F}REQ{F}M1{F}2{F}null{R}SubAfter{F}REQ{F}M1{F}4{F}false{F}null{F}2{F}9{R}"));
            Assert.That(keys, Is.EqualTo(new[] { "M1", "M1" }), "no keys: only the message id");
        });
    }

    [Test]
    public void An_end_transaction_record_names_the_state_as_Javas_LocalTransactionState()
    {
        var context = new TraceContext
        {
            Type = TraceType.EndTransaction, TimeStamp = 7, RegionId = "DefaultRegion", GroupName = "PG_TX",
            Beans = [new TraceBean
            {
                Topic = "Tx", MessageId = "M", Tags = null, Keys = "k", StoreHost = "10.0.0.1:10911", MessageType = TraceMessageType.TransactionCommit,
                TransactionId = "T", TransactionState = "ROLLBACK_MESSAGE", FromTransactionCheck = true,
            }],
        };
        var data = new StringBuilder();
        TraceDataEncoder.Encode(context, data, new List<string>());

        Assert.That(data.ToString(), Is.EqualTo($"EndTransaction{F}7{F}DefaultRegion{F}PG_TX{F}Tx{F}M{F}null{F}k{F}10.0.0.1:10911{F}2{F}T{F}ROLLBACK_MESSAGE{F}true{R}"));
    }

    [Test]
    public void Decoding_reads_what_encoding_wrote_and_the_field_counts_of_older_and_newer_clients()
    {
        var data = new StringBuilder();
        var pub = new TraceContext
        {
            Type = TraceType.Pub, TimeStamp = 11, RegionId = "R", GroupName = "PG", CostTime = 1, IsSuccess = false,
            Beans = [new TraceBean { Topic = "T", MessageId = "M", Tags = "A", Keys = "K", StoreHost = "h:1", BodyLength = 3, OffsetMessageId = "O" }],
        };
        TraceDataEncoder.Encode(pub, data, new List<string>());
        // A 4.x client before offsetMsgId (13 fields), a 5.x client with clientHost (15 fields), a SubAfter without context code or time.
        data.Append($"Pub{F}12{F}R{F}PG{F}T{F}M2{F}A{F}K{F}h:1{F}3{F}1{F}0{F}true{R}");
        data.Append($"Pub{F}13{F}R{F}PG{F}T{F}M3{F}A{F}K{F}h:1{F}3{F}1{F}0{F}O3{F}true{F}10.0.0.9{R}");
        data.Append($"SubAfter{F}REQ{F}M4{F}6{F}true{F}K{R}");
        data.Append($"Unknown{F}x{R}");

        List<TraceContext> records = TraceDataEncoder.Decode(data.ToString());

        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(4), "the unknown type is skipped");
            Assert.That(records[0].Beans[0].OffsetMessageId, Is.EqualTo("O"));
            Assert.That(records[0].IsSuccess, Is.False);
            Assert.That(records[0].Beans[0].StoreHost, Is.EqualTo("h:1"));
            Assert.That(records[1].Beans[0].MessageId, Is.EqualTo("M2"));
            Assert.That(records[1].IsSuccess, Is.True);
            Assert.That(records[1].Beans[0].OffsetMessageId, Is.Empty);
            Assert.That(records[2].Beans[0].OffsetMessageId, Is.EqualTo("O3"));
            Assert.That(records[2].IsSuccess, Is.True);
            Assert.That(records[3].Type, Is.EqualTo(TraceType.SubAfter));
            Assert.That(records[3].CostTime, Is.EqualTo(6));
            Assert.That(records[3].ContextCode, Is.Zero);
        });
    }

    [Test]
    public async Task A_full_trace_queue_drops_records_instead_of_blocking_the_traced_call()
    {
        var options = new ProducerOptions { NameServerAddresses = ["127.0.0.1:1"], EnableMessageTrace = true };
        await using var client = new ClientInstance(options, null, null, null);
        // Not started: nothing drains the queue.
        await using var dispatcher = new MessageTraceDispatcher(options, client);
        var record = new TraceContext { Type = TraceType.Pub, Beans = [new TraceBean()] };
        for (int i = 0; i < MessageTraceDispatcher.QueueCapacity; i++)
        {
            Assert.That(dispatcher.Append(record), Is.True);
        }

        Assert.Multiple(() =>
        {
            Assert.That(dispatcher.Append(record), Is.False);
            Assert.That(dispatcher.Dropped, Is.EqualTo(1));
            Assert.That(dispatcher.IsTraceTopic("RMQ_SYS_TRACE_TOPIC"), Is.True);
            Assert.That(dispatcher.IsTraceTopic("Orders"), Is.False);
        });
    }

    [TestCase("")]
    [TestCase("has space")]
    [TestCase("dots.are.not.allowed")]
    public void A_trace_topic_no_broker_would_accept_is_refused_when_tracing_is_on(string topic)
    {
        var options = new ProducerOptions { NameServerAddresses = ["127.0.0.1:9876"], EnableMessageTrace = true, MessageTraceTopic = topic };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contains("MessageTraceTopic"));
        options.EnableMessageTrace = false;
        Assert.That(options.Validate, Throws.Nothing, "only checked when tracing is on");
    }

    [Test]
    public void Trace_text_spread_over_many_builder_chunks_encodes_as_one_string_would_even_with_split_surrogate_pairs()
    {
        var random = new Random(7);
        string[] pieces = ["a", "é", "订单", "😀", "\u0001", "key-42 ", "𝄞x"];
        var data = new StringBuilder(1);
        for (int i = 0; i < 5000; i++)
        {
            data.Append(pieces[random.Next(pieces.Length)]);
        }
        int chunks = 0;
        foreach (ReadOnlyMemory<char> chunk in data.GetChunks())
        {
            chunks++;
        }
        Assume.That(chunks, Is.GreaterThan(1), "the builder must be chunked for this test to mean anything");

        byte[] scratch = [];
        byte[] encoded = MessageTraceDispatcher.Utf8(data, Encoding.UTF8.GetEncoder(), ref scratch);

        Assert.That(encoded, Is.EqualTo(Encoding.UTF8.GetBytes(data.ToString())));
    }
}
