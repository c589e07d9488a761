using Mq.Client.Tracing;

namespace Mq.Client;

// Message trace (ClientOptions.EnableMessageTrace): RocketMQ's lite pull consumer records each poll as handed over
// and consumed at once (a SubBefore and a successful SubAfter), since what the application does next is not seen.
public sealed partial class PullConsumer
{
    private void TraceHandedOver(IReadOnlyList<ReceivedMessage> messages)
    {
        if (_trace is null || messages.Count == 0)
        {
            return;
        }
        long now = _client.Time.GetUtcNow().ToUnixTimeMilliseconds();
        if (ConsumeTraceRecords.Before(messages, Options.ConsumerGroup, _client.Ids.Next(), now) is { } before)
        {
            _trace.Append(before);
            _trace.Append(ConsumeTraceRecords.After(before, success: true, ConsumeTraceRecords.Success, now, messages.Count));
        }
    }
}
