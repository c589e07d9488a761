using System.Globalization;
using System.Text;
using Mq.Brokers.Clients;
using Mq.Brokers.Schedule;
using Mq.Brokers.Topics;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.Storage;

namespace Mq.Brokers.Transaction;

internal sealed partial class TransactionalMessageService
{
    private async Task CheckCoreAsync(CancellationToken cancellationToken)
    {
        long startTime = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        long timeoutMillis = (long)broker.Options.TransactionTimeOut.TotalMilliseconds;
        long halfOffset = Progress(TopicValidator.TransHalfTopic);
        long opOffset = Progress(TopicValidator.TransOpHalfTopic);
        List<(long OpOffset, long HalfOffset)> ops = ReadOps(opOffset);
        var resolved = new HashSet<long>();
        foreach ((long _, long half) in ops)
        {
            if (half >= halfOffset)
            {
                resolved.Add(half);
            }
        }
        long maxHalf = broker.Store.GetMaxOffsetInQueue(TopicValidator.TransHalfTopic, 0);
        long next = halfOffset;
        while (next < maxHalf && !cancellationToken.IsCancellationRequested)
        {
            if (resolved.Contains(next))
            {
                next++;
                continue;
            }
            DecodedMessage half;
            using (GetMessagesResult result = broker.Store.GetMessages(TopicValidator.TransHalfTopic, 0, next, 1, 4 * 1024 * 1024))
            {
                if (result.Status != GetMessageStatus.Found || result.MessageCount == 0)
                {
                    if (result.NextBeginOffset > next)
                    {
                        next = result.NextBeginOffset;
                        continue;
                    }
                    break;
                }
                half = MessageDecoder.Decode(result.Messages[0].Span);
            }
            int checkTimes = half.Properties.TryGetValue(MessageConst.TransactionCheckTimes, out string? timesText)
                && int.TryParse(timesText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int times) ? times : 0;
            if (checkTimes >= broker.Options.TransactionCheckMax)
            {
                await DiscardAsync(half, checkTimes, cancellationToken).ConfigureAwait(false);
                next++;
                continue;
            }
            if (half.StoreTimestamp >= startTime)
            {
                break;
            }
            long immunity = timeoutMillis;
            if (half.Properties.TryGetValue(MessageConst.CheckImmunityTimeInSeconds, out string? immunityText)
                && long.TryParse(immunityText, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
            {
                immunity = seconds * 1000;
            }
            long age = startTime - half.BornTimestamp;
            // Deliberate simplification of RocketMQ's immunity handling (checkPrepareQueueOffset): the pass stops at
            // the first half message still inside its immunity window instead of parking a renewed copy.
            if (age >= 0 && age < immunity)
            {
                break;
            }
            await CheckOneAsync(half, checkTimes + 1, cancellationToken).ConfigureAwait(false);
            next++;
        }
        broker.Offsets.Commit(ProgressGroup, TopicValidator.TransHalfTopic, 0, next);
        ops.Sort(static (a, b) => a.OpOffset.CompareTo(b.OpOffset));
        long newOpOffset = opOffset;
        foreach ((long op, long half) in ops)
        {
            // The op progress moves over the contiguous records whose half message is now behind the half progress.
            if (op != newOpOffset || half >= next)
            {
                break;
            }
            newOpOffset = op + 1;
        }
        broker.Offsets.Commit(ProgressGroup, TopicValidator.TransOpHalfTopic, 0, newOpOffset);
    }

    /// <summary>
    /// Renews the half message with one more TRANSACTION_CHECK_TIMES (RocketMQ <c>putBackHalfMsgQueue</c>) and
    /// asks a live producer of its group for the verdict about the renewed copy.
    /// </summary>
    private async Task CheckOneAsync(DecodedMessage half, int checkTimes, CancellationToken cancellationToken)
    {
        Dictionary<string, string> properties = StoredMessageCopy.Properties(half);
        properties[MessageConst.TransactionCheckTimes] = checkTimes.ToString(CultureInfo.InvariantCulture);
        MessageToStore renewed = StoredMessageCopy.Create(half, properties, TopicValidator.TransHalfTopic, 0, broker.StoreHost);
        AppendResult result = await broker.PutMessageAsync(renewed, out int refused, out string? remark, cancellationToken).ConfigureAwait(false);
        if (refused != 0 || !result.IsStored)
        {
            throw new InvalidOperationException($"renewing half message {half.QueueOffset} failed: {remark ?? result.Status.ToString()}");
        }
        properties.TryGetValue(MessageConst.ProducerGroup, out string? group);
        ClientChannelInfo? channel = group is null ? null : broker.Producers.FindChannel(group);
        if (channel is null)
        {
            BrokerLog.TransactionNoProducer(broker.Logger, group ?? string.Empty, result.WroteOffset);
            return;
        }
        properties.TryGetValue(MessageConst.UniqueClientMessageIdKeyIndex, out string? uniqueId);
        var header = new CheckTransactionStateRequestHeader
        {
            TranStateTableOffset = result.QueueOffset,
            CommitLogOffset = result.WroteOffset,
            MsgId = uniqueId,
            TransactionId = uniqueId,
            OffsetMsgId = result.OffsetMessageId(broker.StoreHost),
        };
        RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.CheckTransactionState, header);
        request.SetBody(EncodeForCheck(half, properties, result));
        try
        {
            await channel.Connection.InvokeOnewayAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            BrokerLog.TransactionCheckSendFailed(broker.Logger, channel.Connection.RemoteAddress, ex);
        }
    }

    /// <summary>
    /// The renewed half message as RocketMQ's <c>sendCheckMessage</c> sends it: a stored-record encoding
    /// (<c>MessageDecoder.encode</c>) with topic and queue replaced by REAL_TOPIC / REAL_QID.
    /// </summary>
    private static byte[] EncodeForCheck(DecodedMessage half, Dictionary<string, string> properties, in AppendResult renewed)
    {
        string topic = properties.TryGetValue(MessageConst.RealTopic, out string? realTopic) ? realTopic : half.Topic;
        int queueId = properties.TryGetValue(MessageConst.RealQueueId, out string? realQueue)
            && int.TryParse(realQueue, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : half.QueueId;
        byte[] topicUtf8 = Encoding.UTF8.GetBytes(topic);
        byte[] propertiesUtf8 = MessageProperties.Encode(properties);
        int sysFlag = MessageRecord.NormalizeSysFlag(half.SysFlag, half.BornHost, half.StoreHost);
        int size = MessageRecord.ComputeSize(sysFlag, half.Body.Length, topicUtf8.Length, propertiesUtf8.Length);
        byte[] record = new byte[size];
        MessageRecord.Write(record, size, MessageRecord.BodyCrc(half.Body), queueId, half.Flag, renewed.QueueOffset, renewed.WroteOffset, sysFlag,
            half.BornTimestamp, half.BornHost, half.StoreTimestamp, half.StoreHost, half.ReconsumeTimes, half.PreparedTransactionOffset,
            half.Body, topicUtf8, propertiesUtf8);
        return record;
    }

    /// <summary>Moves a half message checked too often to TRANS_CHECK_MAX_TIME_TOPIC (RocketMQ <c>resolveDiscardMsg</c>).</summary>
    private async Task DiscardAsync(DecodedMessage half, int checkTimes, CancellationToken cancellationToken)
    {
        broker.Topics.CreateTopicIfAbsent(TopicValidator.TransCheckMaxTimeTopic, 1, PermName.Read | PermName.Write);
        MessageToStore message = StoredMessageCopy.Create(half, half.Properties, TopicValidator.TransCheckMaxTimeTopic, 0, broker.StoreHost);
        AppendResult result = await broker.PutMessageAsync(message, out int refused, out string? remark, cancellationToken).ConfigureAwait(false);
        if (refused != 0 || !result.IsStored)
        {
            throw new InvalidOperationException($"moving half message {half.QueueOffset} to {TopicValidator.TransCheckMaxTimeTopic} failed: {remark ?? result.Status.ToString()}");
        }
        half.Properties.TryGetValue(MessageConst.ProducerGroup, out string? group);
        BrokerLog.TransactionCheckGaveUp(broker.Logger, half.QueueOffset, group ?? string.Empty, checkTimes);
    }
}
