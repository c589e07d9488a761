using Mq.Client.Tracing;
using Mq.Messages;

namespace Mq.Client;

// Message trace (ClientOptions.EnableMessageTrace): RocketMQ's ConsumeMessageTraceHookImpl.
public sealed partial class PushConsumer
{
    /// <summary>RocketMQ <c>ConsumeReturnType</c> ordinals a SubAfter record carries.</summary>
    private const int ConsumeReturnedSuccess = 0, ConsumeThrew = 2, ConsumeReturnedFailed = 4;

    /// <summary>The SubBefore record of a handler call about to start; null when not traced (tracing off, or the broker stored TRACE_ON=false).</summary>
    private TraceContext? TraceBeforeHandler(ReceivedMessage message)
    {
        if (_trace is null || string.Equals(message.Property(MessageConst.TraceSwitch), "false", StringComparison.Ordinal))
        {
            return null;
        }
        var before = new TraceContext
        {
            Type = TraceType.SubBefore,
            TimeStamp = _client.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            RegionId = message.Property(MessageConst.MessageRegion),
            GroupName = Options.ConsumerGroup,
            RequestId = _client.Ids.Next(),
            Beans = [new TraceBean
            {
                Topic = message.Topic, MessageId = message.MessageId, Tags = message.Tags, Keys = message.Keys,
                StoreTime = message.StoreTimestamp.ToUnixTimeMilliseconds(), BodyLength = message.StoreSize, RetryTimes = message.ReconsumeTimes,
            }],
        };
        _trace.Append(before);
        return before;
    }

    /// <summary>The SubAfter record paired with <paramref name="before"/>.</summary>
    private void TraceAfterHandler(TraceContext? before, ConsumeResult result, bool threw)
    {
        if (before is null)
        {
            return;
        }
        long now = _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        _trace!.Append(new TraceContext
        {
            Type = TraceType.SubAfter,
            TimeStamp = now,
            RegionId = before.RegionId,
            GroupName = before.GroupName,
            RequestId = before.RequestId,
            IsSuccess = !threw && result == ConsumeResult.Success,
            CostTime = (int)Math.Max(0, now - before.TimeStamp),
            ContextCode = threw ? ConsumeThrew : result == ConsumeResult.Success ? ConsumeReturnedSuccess : ConsumeReturnedFailed,
            Beans = before.Beans,
        });
    }
}
