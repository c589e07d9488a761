using Mq.Client.Tracing;
using Mq.Messages;

namespace Mq.Client;

// Message trace (ClientOptions.EnableMessageTrace): RocketMQ's SendMessageTraceHookImpl and EndTransactionTraceHookImpl.
public sealed partial class Producer
{
    /// <summary>Region a trace names when the broker named none (Java <c>MixAll.DEFAULT_TRACE_REGION_ID</c>).</summary>
    private const string DefaultTraceRegion = "DefaultRegion";

    /// <summary>What a Pub record takes from the message before it is sent; null when this send is not traced.</summary>
    private TraceBean? TraceTemplate(Message message, int wireBodyLength)
    {
        if (_trace is null || _trace.IsTraceTopic(message.Topic))
        {
            return null;
        }
        // Java sendKernelImpl: a half message is Trans_Msg_Half, a delayed one (level or start time) Delay_Msg.
        TraceMessageType type = TraceMessageType.Normal;
        if (string.Equals(message.Property(MessageConst.TransactionPrepared), "true", StringComparison.Ordinal))
        {
            type = TraceMessageType.TransactionHalf;
        }
        if (message.Property(MessageConst.DelayTimeLevel) is not null || message.Property("__STARTDELIVERTIME") is not null)
        {
            type = TraceMessageType.Delay;
        }
        return new TraceBean { Topic = message.Topic, Tags = message.Tags, Keys = message.Keys, BodyLength = wireBodyLength, MessageType = type };
    }

    /// <summary>
    /// A Pub record for an attempt the broker answered (a failed attempt leaves none, as in Java); skipped when the
    /// broker turned tracing off (<c>TRACE_ON=false</c>).
    /// </summary>
    private void TracePublished(TraceBean template, SendResult result, string brokerAddress, long attemptStartedMs)
    {
        if (!result.TraceOn)
        {
            return;
        }
        long now = _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        int costTime = (int)Math.Max(0, now - attemptStartedMs);
        _trace!.Append(new TraceContext
        {
            Type = TraceType.Pub,
            TimeStamp = attemptStartedMs,
            RegionId = result.RegionId ?? DefaultTraceRegion,
            GroupName = Options.ProducerGroup,
            CostTime = costTime,
            IsSuccess = result.Status == SendStatus.SendOk,
            Beans = [new TraceBean
            {
                Topic = template.Topic, Tags = template.Tags, Keys = template.Keys, BodyLength = template.BodyLength, MessageType = template.MessageType,
                MessageId = result.MessageId, OffsetMessageId = result.OffsetMessageId, StoreHost = brokerAddress, StoreTime = attemptStartedMs + costTime / 2,
            }],
        });
    }

    /// <summary>An EndTransaction record for a commit, rollback or unknown sent to <paramref name="brokerAddress"/>.</summary>
    private void TraceEndTransaction(string topic, string? tags, string? keys, string? region, string brokerAddress, string messageId, string transactionId,
        TransactionState state, bool fromCheck)
    {
        if (_trace is null || _trace.IsTraceTopic(topic))
        {
            return;
        }
        _trace.Append(new TraceContext
        {
            Type = TraceType.EndTransaction,
            TimeStamp = _client.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            RegionId = string.IsNullOrEmpty(region) ? DefaultTraceRegion : region,
            GroupName = Options.ProducerGroup,
            Beans = [new TraceBean
            {
                Topic = topic, Tags = tags, Keys = keys, StoreHost = brokerAddress, MessageType = TraceMessageType.TransactionCommit, MessageId = messageId,
                TransactionId = transactionId, FromTransactionCheck = fromCheck,
                TransactionState = state switch { TransactionState.Commit => "COMMIT_MESSAGE", TransactionState.Rollback => "ROLLBACK_MESSAGE", _ => "UNKNOW" },
            }],
        });
    }
}
