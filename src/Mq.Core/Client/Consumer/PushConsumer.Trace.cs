using Mq.Client.Tracing;

namespace Mq.Client;

// Message trace (ClientOptions.EnableMessageTrace) around each handler call.
public sealed partial class PushConsumer
{
    /// <summary>Queues the SubBefore record of a handler call about to start; null when the call is not traced.</summary>
    private TraceContext? TraceBeforeHandler(ReceivedMessage message)
    {
        if (_trace is null)
        {
            return null;
        }
        TraceContext? before = ConsumeTraceRecords.Before([message], Options.ConsumerGroup, _client.Ids.Next(), _client.Time.GetUtcNow().ToUnixTimeMilliseconds());
        if (before is not null)
        {
            _trace.Append(before);
        }
        return before;
    }

    /// <summary>Queues the SubAfter record paired with <paramref name="before"/>.</summary>
    private void TraceAfterHandler(TraceContext? before, ConsumeResult result, bool threw)
    {
        if (before is null)
        {
            return;
        }
        int code = threw ? ConsumeTraceRecords.Exception : result == ConsumeResult.Success ? ConsumeTraceRecords.Success : ConsumeTraceRecords.Failed;
        _trace!.Append(ConsumeTraceRecords.After(before, !threw && result == ConsumeResult.Success, code, _client.Time.GetUtcNow().ToUnixTimeMilliseconds(), 1));
    }
}
