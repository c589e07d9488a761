using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using Mq.Common;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Client;

public sealed partial class Producer
{
    /// <summary>Sends <paramref name="message"/> and awaits the broker's acknowledgement, retrying on another broker (see <see cref="ProducerOptions.RetryTimesWhenSendFailed"/>).</summary>
    /// <remarks>
    /// The code after <c>await</c> runs on the pool thread that completes the answers read together with this
    /// one, one after another, so that sends issued from there leave in one write. Code that blocks there
    /// delays those other answers until the connection's scan hands them to another thread (a few
    /// milliseconds, logged as a warning): offload long synchronous work.
    /// </remarks>
    /// <exception cref="MqClientException">The broker refused the message (code and remark), or every attempt failed.</exception>
    public Task<SendResult> SendAsync(Message message, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        if (message.ShardingKey is { } shardingKey)
        {
            return SendByShardingKeyAsync(message, shardingKey, cancellationToken).AsTask();
        }
        // The usual send goes straight to the kernel, which releases the prepared message: one async state
        // machine per send. The pooled ValueTask core completes a small Task wrapper, cheaper than a
        // Task-returning async method.
        OutgoingMessage outgoing;
        try
        {
            outgoing = Prepare(message, 0);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Task.FromException<SendResult>(ex); // a message that cannot be sent fails the task, as before
        }
        return SendKernelWithRetriesAsync(outgoing, null, oneway: false, cancellationToken, releaseMessage: true).AsTask()!;
    }

    /// <summary>Sends to one given queue (no retry on another queue).</summary>
    public Task<SendResult> SendAsync(Message message, MessageQueue queue, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(queue);
        return SendToQueueAsync(message, (_, _) => queue, cancellationToken);
    }

    /// <summary>
    /// Sends to the queue <paramref name="selector"/> picks from the topic's writable queues (ordered send;
    /// no retry on another queue, as Java's <c>send(msg, selector, arg)</c>).
    /// </summary>
    public Task<SendResult> SendAsync(Message message, Func<IReadOnlyList<MessageQueue>, Message, MessageQueue> selector, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(selector);
        return SendToQueueAsync(message, selector, cancellationToken);
    }

    /// <summary>Sends without waiting for the broker (no acknowledgement, no retry).</summary>
    public Task SendOnewayAsync(Message message, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        return SendOnewayCoreAsync(message, cancellationToken);
    }

    /// <summary>
    /// Sends several messages of one topic in one request (§4.5): they land in one queue with consecutive
    /// offsets. Delay levels and retry topics are refused; bodies are not compressed.
    /// </summary>
    public async Task<SendResult> SendBatchAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            throw ClientErrors.MessageIllegal("a batch needs at least one message");
        }
        string topic = messages[0].Topic;
        var ids = new string[messages.Count];
        using var body = new MemoryStream();
        // One send activity for the batch; every message in it carries its context.
        Activity? activity = StartSendActivity(topic, null);
        try
        {
            for (int i = 0; i < messages.Count; i++)
            {
                Message message = messages[i];
                Validate(message);
                if (!string.Equals(message.Topic, topic, StringComparison.Ordinal) || message.DelayTimeLevel > 0 || topic.StartsWith("%RETRY%", StringComparison.Ordinal))
                {
                    throw ClientErrors.MessageIllegal("batch messages must share one topic, have no delay level and not target a retry topic");
                }
                ids[i] = message.Property(MessageConst.UniqueClientMessageIdKeyIndex) ?? _client.Ids.Next();
                byte[] rented = EncodeProperties(message, UniqueId.FromText(ids[i]), includeWait: false, activity, out int length);
                try
                {
                    WriteBatchRecord(body, message, rented.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
            if (body.Length > Options.MaxMessageSize)
            {
                throw ClientErrors.MessageIllegal("the batch is " + body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes; the limit is " + Options.MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
        activity?.SetTag("messaging.batch.message_count", messages.Count);
        var batch = new OutgoingMessage(topic, body.ToArray(), 0, 0, Encoding.UTF8.GetBytes(messages[0].WaitStoreMessageOk ? "WAIT\u0001true" : "WAIT\u0001false"), null,
            UniqueId.FromText(string.Join(',', ids)), Batch: true, Activity: activity,
            Trace: _trace is null || _trace.IsTraceTopic(topic) ? null : new Tracing.TraceBean { Topic = topic, Tags = null, Keys = null, BodyLength = (int)body.Length });
        return (await SendKernelWithRetriesAsync(batch, null, oneway: false, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<SendResult> SendToQueueAsync(Message message, Func<IReadOnlyList<MessageQueue>, Message, MessageQueue> selector, CancellationToken cancellationToken)
    {
        TopicPublishInfo info = await FindPublishInfoAsync(message.Topic, cancellationToken).ConfigureAwait(false);
        MessageQueue queue = selector(info.Queues, message) ?? throw new ArgumentException("The selector returned no queue.", nameof(selector));
        OutgoingMessage outgoing = Prepare(message, 0);
        return (await SendKernelWithRetriesAsync(outgoing, queue, oneway: false, cancellationToken, releaseMessage: true).ConfigureAwait(false))!;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SendResult> SendByShardingKeyAsync(Message message, string shardingKey, CancellationToken cancellationToken)
    {
        MessageQueue fixedQueue = SelectByShardingKey((await FindPublishInfoAsync(message.Topic, cancellationToken).ConfigureAwait(false)).Queues, shardingKey);
        OutgoingMessage outgoing = Prepare(message, 0);
        return (await SendKernelWithRetriesAsync(outgoing, fixedQueue, oneway: false, cancellationToken, releaseMessage: true).ConfigureAwait(false))!;
    }

    private async Task SendOnewayCoreAsync(Message message, CancellationToken cancellationToken)
    {
        MessageQueue? fixedQueue = message.ShardingKey is { } key
            ? SelectByShardingKey((await FindPublishInfoAsync(message.Topic, cancellationToken).ConfigureAwait(false)).Queues, key)
            : null;
        OutgoingMessage outgoing = Prepare(message, 0);
        await SendKernelWithRetriesAsync(outgoing, fixedQueue, oneway: true, cancellationToken, releaseMessage: true).ConfigureAwait(false);
    }

    /// <summary>The hash selector (Java <c>SelectMessageQueueByHash</c>): <c>abs(hashCode(key) % count)</c>.</summary>
    internal static MessageQueue SelectByShardingKey(IReadOnlyList<MessageQueue> queues, string key)
    {
        if (queues.Count == 0)
        {
            throw ClientErrors.SendFailed(0, null, ResponseCode.TopicNotExist);
        }
        int value = JavaHash.StringHashCode(key) % queues.Count;
        return queues[value < 0 ? -value : value];
    }

    /// <summary>
    /// A message ready for the wire. <see cref="Properties"/> may live in <see cref="RentedProperties"/>, a pooled
    /// buffer the sender returns with <see cref="Release"/> once every attempt is over (the request copies it).
    /// </summary>
    internal readonly record struct OutgoingMessage(string Topic, ReadOnlyMemory<byte> Body, int SysFlag, int Flag, ReadOnlyMemory<byte> Properties, byte[]? RentedProperties,
        UniqueId Id, bool Batch = false, int? ReconsumeTimes = null, int? MaxReconsumeTimes = null, Activity? Activity = null, bool Reply = false,
        Tracing.TraceBean? Trace = null)
    {
        public void Release()
        {
            if (RentedProperties is not null)
            {
                ArrayPool<byte>.Shared.Return(RentedProperties);
            }
        }
    }

    internal OutgoingMessage Prepare(Message message, int extraSysFlag)
    {
        Validate(message);
        UniqueId id = message.Property(MessageConst.UniqueClientMessageIdKeyIndex) is { } given ? UniqueId.FromText(given) : _client.Ids.NextId();
        ReadOnlyMemory<byte> body = message.Body;
        int sysFlag = extraSysFlag;
        if (body.Length >= Options.CompressBodyOverBytes)
        {
            body = Compress(body.Span, Options.CompressLevel);
            // COMPRESSED | ZLIB type, as Java 4.9.8 producers set it.
            sysFlag |= MessageSysFlag.Compressed | 0x300;
        }
        int? reconsumeTimes = null;
        int? maxReconsume = null;
        if (message.Topic.StartsWith("%RETRY%", StringComparison.Ordinal))
        {
            // Java sendKernelImpl moves these two properties into header fields j and l.
            if (message.Property(MessageConst.ReconsumeTime) is { } r && int.TryParse(r, System.Globalization.CultureInfo.InvariantCulture, out int rv))
            {
                reconsumeTimes = rv;
                message.RemoveProperty(MessageConst.ReconsumeTime);
            }
            if (message.Property(MessageConst.MaxReconsumeTimes) is { } m && int.TryParse(m, System.Globalization.CultureInfo.InvariantCulture, out int mv))
            {
                maxReconsume = mv;
                message.RemoveProperty(MessageConst.MaxReconsumeTimes);
            }
        }
        Activity? activity = StartSendActivity(message.Topic, id);
        byte[] properties;
        int propertiesLength;
        try
        {
            properties = EncodeProperties(message, id, includeWait: true, activity, out propertiesLength);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
        // A consumer's reply to a request goes with SEND_REPLY_MESSAGE_V2 (RocketMQ MQClientAPIImpl.sendMessage).
        bool reply = string.Equals(message.Property(MessageConst.MessageType), ReceivedMessage.ReplyMessageType, StringComparison.Ordinal);
        return new OutgoingMessage(message.Topic, body, sysFlag, message.Flag, properties.AsMemory(0, propertiesLength), properties, id, false, reconsumeTimes, maxReconsume,
            activity, reply, TraceTemplate(message, body.Length));
    }

    private void Validate(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (string.IsNullOrEmpty(message.Topic) || message.Topic.Length > 127)
        {
            throw ClientErrors.MessageIllegal("the topic must be 1..127 characters");
        }
        foreach (char c in message.Topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '%' or '|' or '_' or '-'))
            {
                throw ClientErrors.MessageIllegal("the topic '" + message.Topic + "' may only contain letters, digits, '%', '|', '_' and '-'");
            }
        }
        if (message.Body.Length == 0)
        {
            throw ClientErrors.MessageIllegal("the message body is empty");
        }
        if (message.Body.Length > Options.MaxMessageSize)
        {
            throw ClientErrors.MessageIllegal("the message body is " + message.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + " bytes; the limit (ProducerOptions.MaxMessageSize) is " + Options.MaxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    // MessageDecoder.messageProperties2String: "k\u0001v\u0002..." in UTF-8, written straight into a pooled
    // buffer the caller returns. UNIQ_KEY and WAIT are written by us, whatever the message holds. The trace
    // context carried is the send's own activity (consumers continue from the send), else the caller's.
    private static byte[] EncodeProperties(Message message, UniqueId uniqueId, bool includeWait, Activity? sendActivity, out int length)
    {
        IReadOnlyDictionary<string, string> properties = message.Properties;
        string? traceParent = (sendActivity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } activity
            && !properties.ContainsKey(ClientMetrics.TraceParentProperty) ? activity.Id : null;
        int max = uniqueId.MaxUtf8Length + 32 + (traceParent?.Length ?? 0) + 64;
        Dictionary<string, string>? map = message.PropertyMap;
        if (map is not null)
        {
            foreach (KeyValuePair<string, string> pair in map)
            {
                max += Encoding.UTF8.GetMaxByteCount(pair.Key.Length + pair.Value.Length) + 2;
            }
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(max);
        var writer = new PropertyWriter(buffer);
        try
        {
            if (map is not null)
            {
                foreach (KeyValuePair<string, string> pair in map)
                {
                    if (!string.Equals(pair.Key, MessageConst.UniqueClientMessageIdKeyIndex, StringComparison.Ordinal)
                        && !string.Equals(pair.Key, MessageConst.WaitStoreMsgOk, StringComparison.Ordinal))
                    {
                        writer.Write(pair.Key, pair.Value);
                    }
                }
            }
            if (includeWait)
            {
                writer.Write(MessageConst.WaitStoreMsgOk, message.WaitStoreMessageOk ? "true" : "false");
            }
            writer.Write(MessageConst.UniqueClientMessageIdKeyIndex, uniqueId);
            if (traceParent is not null)
            {
                writer.Write(ClientMetrics.TraceParentProperty, traceParent);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        length = writer.Length;
        if (length > MessageProperties.MaxLength)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw ClientErrors.MessageIllegal("the properties take " + length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes; the limit is 32767");
        }
        return buffer;
    }

    private ref struct PropertyWriter(byte[] buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Length { get; private set; }

        public void Write(string key, string value)
        {
            // Java skips empty keys and values; separators inside would corrupt the map.
            if (key.Length == 0 || value.Length == 0)
            {
                return;
            }
            if (key.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0 || value.AsSpan().IndexOfAny('\u0001', '\u0002') >= 0)
            {
                throw ClientErrors.MessageIllegal("property '" + key + "' contains a reserved separator character (0x01 or 0x02)");
            }
            if (Length > 0)
            {
                _buffer[Length++] = 2;
            }
            Length += Encoding.UTF8.GetBytes(key, _buffer[Length..]);
            _buffer[Length++] = 1;
            Length += Encoding.UTF8.GetBytes(value, _buffer[Length..]);
        }

        public void Write(string key, UniqueId value)
        {
            if (Length > 0)
            {
                _buffer[Length++] = 2;
            }
            Length += Encoding.UTF8.GetBytes(key, _buffer[Length..]);
            _buffer[Length++] = 1;
            Length += value.WriteUtf8(_buffer[Length..]);
        }
    }

    // RocketMQ MessageDecoder.encodeMessage (batch element, §4.5): magic and CRC are zero, the broker fills them.
    private static void WriteBatchRecord(MemoryStream output, Message message, ReadOnlySpan<byte> properties)
    {
        int bodyLength = message.Body.Length;
        int total = 4 + 4 + 4 + 4 + 4 + bodyLength + 2 + properties.Length;
        Span<byte> head = stackalloc byte[20];
        BinaryPrimitives.WriteInt32BigEndian(head, total);
        BinaryPrimitives.WriteInt32BigEndian(head[4..], 0);
        BinaryPrimitives.WriteInt32BigEndian(head[8..], 0);
        BinaryPrimitives.WriteInt32BigEndian(head[12..], message.Flag);
        BinaryPrimitives.WriteInt32BigEndian(head[16..], bodyLength);
        output.Write(head);
        output.Write(message.Body.Span);
        Span<byte> propertiesLength = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(propertiesLength, (short)properties.Length);
        output.Write(propertiesLength);
        output.Write(properties);
    }

    internal static byte[] Compress(ReadOnlySpan<byte> body, int level)
    {
        using var output = new MemoryStream(body.Length / 2 + 16);
        using (var zlib = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            zlib.Write(body);
        }
        return output.ToArray();
    }
}
