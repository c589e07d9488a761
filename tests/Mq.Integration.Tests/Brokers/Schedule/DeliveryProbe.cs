using System.Diagnostics;
using Mq.Messages;
using Mq.Protocol;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers.Schedule;

/// <summary>Waits (long polling, no sleeps) until a queue holds a number of messages; shared by the delivery tests.</summary>
internal static class DeliveryProbe
{
    public static async Task<List<DecodedMessage>> WaitForAsync(BrokerTestClient client, string topic, int queueId, int count, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(30);
        while (true)
        {
            List<DecodedMessage> messages = await ReadAsync(client, topic, queueId, suspendMillis: 1000).ConfigureAwait(false);
            if (messages.Count >= count)
            {
                return messages;
            }
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{topic}:{queueId} holds {messages.Count} messages after {limit}, expected {count}");
            }
        }
    }

    /// <summary>Every message of the queue from offset 0 (empty when none), optionally long-polling for the first one.</summary>
    public static async Task<List<DecodedMessage>> ReadAsync(BrokerTestClient client, string topic, int queueId, long suspendMillis = 0)
    {
        using RemotingCommand response = await client.PullAsync("delivery-probe", topic, queueId, 0, 32, "*", suspendMillis: suspendMillis,
            timeout: TimeSpan.FromMilliseconds(suspendMillis + 10_000)).ConfigureAwait(false);
        return response.Code == ResponseCode.Success ? BrokerTestClient.DecodeAll(response.Body.Span) : [];
    }

    /// <summary>The commit-log offset encoded in a send response's msgId.</summary>
    public static long CommitLogOffset(RemotingCommand sendResponse)
    {
        Assert.That(OffsetMessageId.TryParse(sendResponse.ExtFields.GetRequiredString("msgId"u8), out _, out long offset), Is.True);
        return offset;
    }
}
