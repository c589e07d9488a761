using System.Diagnostics;
using System.Globalization;
using Mq.Messages;

namespace Mq.Client;

// Request-reply (RocketMQ DefaultMQProducerImpl.request, 4.6+).
public sealed partial class Producer
{
    /// <summary>
    /// Sends <paramref name="message"/> as a request and waits for the reply a consumer sends back with
    /// <see cref="ReceivedMessage.CreateReply"/> (RocketMQ request-reply). The message carries a correlation id, this
    /// client's id and <paramref name="timeout"/> as its time to live; the broker that stores the reply pushes it to
    /// this client over the connection this client heartbeats on.
    /// </summary>
    /// <returns>The reply.</returns>
    /// <exception cref="MqClientException">The request could not be sent (the broker's code and remark).</exception>
    /// <exception cref="TimeoutException">The request was sent, but no reply came within <paramref name="timeout"/>.</exception>
    public async Task<ReceivedMessage> RequestAsync(Message message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(message);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        long started = Stopwatch.GetTimestamp();
        string correlationId = Guid.NewGuid().ToString();
        message.SetPropertyInternal(MessageConst.CorrelationId, correlationId);
        message.SetPropertyInternal(MessageConst.ReplyToClient, _client.ClientId);
        message.SetPropertyInternal(MessageConst.MessageTtl, ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        if (_client.CachedRoute(message.Topic) is null)
        {
            // A broker can push a reply only to a client it has a heartbeat from: learn the topic's brokers and
            // heartbeat to them before the request leaves (Java does the same).
            await FindPublishInfoAsync(message.Topic, cancellationToken).ConfigureAwait(false);
            await _client.SendHeartbeatToAllBrokersAsync(cancellationToken).ConfigureAwait(false);
        }
        var reply = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _client.ReplyWaiters[correlationId] = reply;
        try
        {
            await SendAsync(message, cancellationToken).ConfigureAwait(false);
            TimeSpan left = timeout - Stopwatch.GetElapsedTime(started);
            try
            {
                return await reply.Task.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _client.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("The request to topic '" + message.Topic + "' was sent, but no reply came within "
                    + ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + " ms.");
            }
        }
        finally
        {
            _client.ReplyWaiters.TryRemove(correlationId, out _);
        }
    }
}
