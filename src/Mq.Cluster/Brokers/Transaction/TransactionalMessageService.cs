using System.Globalization;
using System.Text;
using Mq.Brokers.Schedule;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Storage;

namespace Mq.Brokers.Transaction;

/// <summary>
/// Half and op queues of transactional messages (RocketMQ 4.9 <c>TransactionalMessageServiceImpl</c> +
/// <c>TransactionalMessageBridge</c>). An op record (topic RMQ_SYS_TRANS_OP_HALF_TOPIC, tag <c>d</c>, body = the
/// half queue offset as decimal text) marks a half message resolved. The check pass walks the half queue from
/// the progress kept under the internal group <c>CID_SYS_RMQ_TRANS</c> and, for each unresolved half message
/// older than transactionTimeOut (or its CHECK_IMMUNITY_TIME_IN_SECONDS), re-puts it with
/// TRANSACTION_CHECK_TIMES + 1 and asks a live producer of its group for the verdict (CHECK_TRANSACTION_STATE,
/// oneway); after transactionCheckMax checks it moves the message to TRANS_CHECK_MAX_TIME_TOPIC.
/// </summary>
internal sealed partial class TransactionalMessageService(Broker broker)
{
    /// <summary>RocketMQ's <c>MixAll.CID_SYS_RMQ_TRANS</c>: the consumer group holding half/op progress.</summary>
    public const string ProgressGroup = "CID_SYS_RMQ_TRANS";

    /// <summary>RocketMQ's <c>TransactionalMessageUtil.REMOVETAG</c>.</summary>
    private const string RemoveTag = "d";

    private readonly SemaphoreSlim _checkLock = new(1, 1);
    private int _topicsCreated;

    /// <summary>Creates the half and op topics on first use (RocketMQ <c>selectTopicConfig</c>).</summary>
    public void EnsureTopics()
    {
        if (Volatile.Read(ref _topicsCreated) != 0)
        {
            return;
        }
        broker.Topics.CreateTopicIfAbsent(TopicValidator.TransHalfTopic, 1, PermName.Read | PermName.Write);
        broker.Topics.CreateTopicIfAbsent(TopicValidator.TransOpHalfTopic, 1, PermName.Read | PermName.Write);
        Volatile.Write(ref _topicsCreated, 1);
    }

    /// <summary>Writes the op record resolving the half message at <paramref name="halfQueueOffset"/> (RocketMQ <c>putOpMessage</c>).</summary>
    public async ValueTask PutOpAsync(long halfQueueOffset, CancellationToken cancellationToken)
    {
        EnsureTopics();
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [MessageConst.Tags] = RemoveTag,
            [MessageConst.WaitStoreMsgOk] = "false",
        };
        long now = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var message = new MessageToStore
        {
            Topic = TopicValidator.TransOpHalfTopic,
            QueueId = 0,
            SysFlag = 0,
            BornTimestamp = now,
            BornHost = broker.StoreHost,
            StoreHost = broker.StoreHost,
            Body = Encoding.UTF8.GetBytes(halfQueueOffset.ToString(CultureInfo.InvariantCulture)),
            Properties = MessageProperties.Encode(properties),
        };
        AppendResult result = await broker.PutMessageAsync(message, out int refused, out string? remark, cancellationToken).ConfigureAwait(false);
        if (refused != 0 || !result.IsStored)
        {
            throw new InvalidOperationException($"writing the op record for half message {halfQueueOffset} failed: {remark ?? result.Status.ToString()}");
        }
    }

    /// <summary>One check pass over the half queue (the transactionCheckInterval loop; also callable directly).</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (broker.Options.BrokerRole == BrokerRole.Slave || broker.Topics.Find(TopicValidator.TransHalfTopic) is null)
        {
            return;
        }
        await _checkLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CheckCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _checkLock.Release();
        }
    }

    /// <summary>The stored progress of <paramref name="topic"/> queue 0, or the queue's min offset when there is none.</summary>
    private long Progress(string topic)
    {
        long offset = broker.Offsets.Query(ProgressGroup, topic, 0);
        return offset < 0 ? broker.Store.GetMinOffsetInQueue(topic, 0) : offset;
    }

    /// <summary>Op records from <paramref name="opOffset"/> to the end: op queue offset → half queue offset.</summary>
    private List<(long OpOffset, long HalfOffset)> ReadOps(long opOffset)
    {
        var ops = new List<(long, long)>();
        long offset = opOffset;
        while (true)
        {
            using GetMessagesResult result = broker.Store.GetMessages(TopicValidator.TransOpHalfTopic, 0, offset, 32, 1024 * 1024);
            if (result.Status != GetMessageStatus.Found || result.MessageCount == 0)
            {
                return ops;
            }
            for (int i = 0; i < result.MessageCount; i++)
            {
                DecodedMessage op = MessageDecoder.Decode(result.Messages[i].Span);
                if (op.Tags == RemoveTag && long.TryParse(Encoding.UTF8.GetString(op.Body), NumberStyles.Integer, CultureInfo.InvariantCulture, out long half))
                {
                    ops.Add((result.QueueOffsets[i], half));
                }
                else
                {
                    // A malformed op record resolves nothing but must not stall the op progress.
                    ops.Add((result.QueueOffsets[i], -1));
                }
            }
            offset = result.NextBeginOffset;
        }
    }
}
