using System.IO.Compression;
using Mq.Messages;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// A message as consumers see it (RocketMQ <c>MessageExt</c>): the stored record decoded, its body
/// inflated when the producer compressed it, and the original topic restored for retried messages.
/// </summary>
/// <remarks>
/// The message reads its fields from the stored record's bytes, on first use: the queue offset and the
/// few fields delivery itself needs are read up front, while properties, hosts, ids and times are decoded
/// only when asked for. The bytes are a slice of one copy of the pull's response, shared by the messages
/// of that pull: holding one message keeps that copy (at most one pull's worth) alive.
/// </remarks>
public sealed class ReceivedMessage
{
    private readonly ReadOnlyMemory<byte> _record;
    private readonly int _propertiesPosition;
    private readonly Protocol.Utf8StringCache? _strings;
    private IReadOnlyDictionary<string, string>? _properties;
    private string? _messageId;
    private string? _offsetMessageId;
    private System.Net.IPEndPoint? _bornHost;
    private System.Net.IPEndPoint? _storeHost;

    private ReceivedMessage(ReadOnlyMemory<byte> record, in MessageView view, string brokerName, Protocol.Utf8StringCache? strings)
    {
        _record = record;
        _strings = strings;
        _propertiesPosition = view.PropertiesPosition;
        Body = record.Slice(view.BodyPosition, view.Body.Length);
        Topic = strings is null ? view.Topic : strings.Get(view.TopicUtf8);
        BrokerName = brokerName;
        QueueId = view.QueueId;
        QueueOffset = view.QueueOffset;
        SysFlag = view.SysFlag;
        ReconsumeTimes = view.ReconsumeTimes;
    }

    /// <summary>Message id: the producer's <c>UNIQ_KEY</c> when present, else <see cref="OffsetMessageId"/> (as Java/Go).</summary>
    public string MessageId => _messageId ??= Property(MessageConst.UniqueClientMessageIdKeyIndex) ?? OffsetMessageId;

    /// <summary>The broker's id of the stored record: store host + commit-log offset (§4.7).</summary>
    public string OffsetMessageId => _offsetMessageId ??= Messages.OffsetMessageId.Create(View().StoreHost, CommitLogOffset);

    /// <summary>The topic; for a redelivered message, the original topic (from <c>RETRY_TOPIC</c>).</summary>
    public string Topic { get; private set; }

    /// <summary>The body, inflated when the producer compressed it.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>All properties of the stored message (system and user).</summary>
    public IReadOnlyDictionary<string, string> Properties => _properties ??= MessageProperties.Decode(PropertiesUtf8, _strings);

    /// <summary>The tag, or null.</summary>
    public string? Tags => Property(MessageConst.Tags);

    /// <summary>The business keys (space-separated), or null.</summary>
    public string? Keys => Property(MessageConst.Keys);

    /// <summary>The broker the message was pulled from.</summary>
    public string BrokerName { get; }

    /// <summary>The queue id the message was pulled from.</summary>
    public int QueueId { get; }

    /// <summary>The queue the message was pulled from (its topic is the pulled topic, e.g. <c>%RETRY%group</c>).</summary>
    public MessageQueue Queue => new(PulledTopic ?? Topic, BrokerName, QueueId);

    /// <summary>The consume-queue offset.</summary>
    public long QueueOffset { get; }

    /// <summary>The commit-log (physical) offset.</summary>
    public long CommitLogOffset => View().PhysicalOffset;

    /// <summary>The user flag.</summary>
    public int Flag => View().Flag;

    /// <summary>The stored system flag (§4.2).</summary>
    public int SysFlag { get; }

    /// <summary>How many times this message was redelivered after consume failures.</summary>
    public int ReconsumeTimes { get; }

    /// <summary>When the producer created it (producer clock).</summary>
    public DateTimeOffset BornTimestamp => DateTimeOffset.FromUnixTimeMilliseconds(View().BornTimestamp);

    /// <summary>When the broker stored it (broker clock).</summary>
    public DateTimeOffset StoreTimestamp => DateTimeOffset.FromUnixTimeMilliseconds(View().StoreTimestamp);

    /// <summary>The producer's address as the broker saw it.</summary>
    public System.Net.IPEndPoint BornHost => _bornHost ??= View().BornHost.ToEndPoint();

    /// <summary>The broker's store address.</summary>
    public System.Net.IPEndPoint StoreHost => _storeHost ??= View().StoreHost.ToEndPoint();

    /// <summary>The stored record size in bytes.</summary>
    public int StoreSize => _record.Length;

    /// <summary>For a committed transactional message, the half message's commit-log offset; else 0.</summary>
    public long PreparedTransactionOffset => View().PreparedTransactionOffset;

    /// <summary>A property value, or null.</summary>
    public string? Property(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_properties is { } decoded)
        {
            return decoded.TryGetValue(key, out string? value) ? value : null;
        }
        // Before the map exists (the common case: a tag filter, the message id), the bytes are searched for
        // the one key instead of decoding every property.
        Span<byte> keyUtf8 = stackalloc byte[256];
        if (!System.Text.Encoding.UTF8.TryGetBytes(key, keyUtf8, out int keyLength))
        {
            return Properties.TryGetValue(key, out string? value) ? value : null;
        }
        if (!MessageProperties.TryGetValue(PropertiesUtf8, keyUtf8[..keyLength], out ReadOnlySpan<byte> found))
        {
            return null;
        }
        return MessageProperties.ValueString(key, found, _strings);
    }

    /// <summary>The <c>MSG_TYPE</c> of a reply (RocketMQ <c>MixAll.REPLY_MESSAGE_FLAG</c>).</summary>
    internal const string ReplyMessageType = "reply";

    /// <summary>
    /// The reply to this message when it is a request sent with <see cref="Producer.RequestAsync"/> (RocketMQ
    /// <c>MessageUtil.createReplyMessage</c>): a message for the cluster's reply topic carrying the request's
    /// correlation id and requester. Send it with any producer of the cluster; the broker pushes it to the requester.
    /// </summary>
    /// <exception cref="MqClientException">This message is not a request (no <c>CLUSTER</c>, <c>REPLY_TO_CLIENT</c> or <c>CORRELATION_ID</c>).</exception>
    public Message CreateReply(ReadOnlyMemory<byte> body)
    {
        string? cluster = Property(MessageConst.Cluster);
        string? replyTo = Property(MessageConst.ReplyToClient);
        string? correlationId = Property(MessageConst.CorrelationId);
        if (cluster is null || replyTo is null || correlationId is null)
        {
            throw new MqClientException(MqClientException.ClientErrorCode, null,
                "Cannot create a reply: the message is not a request (it lacks the CLUSTER, REPLY_TO_CLIENT or CORRELATION_ID property).");
        }
        var reply = new Message(cluster + "_REPLY_TOPIC", body);
        reply.SetPropertyInternal(MessageConst.MessageType, ReplyMessageType);
        reply.SetPropertyInternal(MessageConst.CorrelationId, correlationId);
        reply.SetPropertyInternal(MessageConst.ReplyToClient, replyTo);
        if (Property(MessageConst.MessageTtl) is { } ttl)
        {
            reply.SetPropertyInternal(MessageConst.MessageTtl, ttl);
        }
        return reply;
    }

    /// <summary>The topic the record was pulled from when it differs from <see cref="Topic"/> (retries).</summary>
    internal string? PulledTopic { get; private set; }

    private ReadOnlySpan<byte> PropertiesUtf8 => _record.Span[_propertiesPosition..];

    /// <inheritdoc />
    public override string ToString() => $"ReceivedMessage [topic={Topic}, msgId={MessageId}, queue={BrokerName}/{QueueId}, offset={QueueOffset}, reconsumeTimes={ReconsumeTimes}]";

    /// <summary>
    /// Decodes the records of a PULL_MESSAGE body (or any body of stored records back to back) into messages
    /// that share one copy of <paramref name="records"/>; stops where the rest is not a record, as Java's
    /// decoder does, and throws <see cref="InvalidDataException"/> for a malformed record.
    /// </summary>
    internal static List<ReceivedMessage> DecodeAll(ReadOnlySpan<byte> records, string brokerName, string? retryGroupTopic, Protocol.Utf8StringCache? strings)
    {
        var result = new List<ReceivedMessage>();
        ReadOnlyMemory<byte> rest = records.ToArray();
        while (!rest.IsEmpty)
        {
            var status = MessageView.TryRead(rest.Span, checkCrc: false, out var view, out int size, lenientSize: true);
            if (status == RecordReadStatus.BadMagic)
            {
                break;
            }
            if (status != RecordReadStatus.Ok)
            {
                throw new InvalidDataException($"Record {result.Count} in the buffer is invalid: {status}.");
            }
            result.Add(FromRecord(rest[..size], view, brokerName, retryGroupTopic, strings));
            rest = rest[size..];
        }
        return result;
    }

    /// <summary>
    /// Decodes one stored record (a CHECK_TRANSACTION_STATE or CONSUME_MESSAGE_DIRECTLY body); throws
    /// <see cref="InvalidDataException"/> when it is not one.
    /// </summary>
    internal static ReceivedMessage Decode(ReadOnlySpan<byte> record, string brokerName, string? retryGroupTopic = null)
    {
        byte[] copy = record.ToArray();
        var status = MessageView.TryRead(copy, checkCrc: false, out var view, out int size, lenientSize: true);
        if (status != RecordReadStatus.Ok)
        {
            throw new InvalidDataException($"Not a valid stored message record: {status}.");
        }
        return FromRecord(copy.AsMemory(0, size), view, brokerName, retryGroupTopic, null);
    }

    /// <summary>
    /// A reply pushed by the broker (PUSH_REPLY_MESSAGE_TO_CLIENT): its fields come in the header, so they are written
    /// into a record of the stored format once, which the message then reads like any other. <c>ARRIVE_TIME</c> is
    /// added, as Java's client does.
    /// </summary>
    internal static ReceivedMessage FromReply(Protocol.Headers.ReplyMessageRequestHeader header, ReadOnlySpan<byte> body, long arrivedMs)
    {
        MessageHost born = ParseHost(header.BornHost);
        MessageHost store = ParseHost(header.StoreHost);
        int sysFlag = MessageRecord.NormalizeSysFlag(header.SysFlag, born, store);
        byte[] topic = System.Text.Encoding.UTF8.GetBytes(header.Topic);
        byte[] properties = MessageProperties.Append(header.Properties.Span, MessageConst.ArriveTime,
            arrivedMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        int size = MessageRecord.ComputeSize(sysFlag, body.Length, topic.Length, properties.Length);
        var record = new byte[size];
        MessageRecord.Write(record, size, MessageRecord.BodyCrc(body), header.QueueId, header.Flag, queueOffset: 0, physicalOffset: 0, sysFlag,
            header.BornTimestamp, born, header.StoreTimestamp, store, header.ReconsumeTimes ?? 0, preparedTransactionOffset: 0, body, topic, properties);
        return Decode(record, brokerName: string.Empty);
    }

    // "ip:port", or Java's SocketAddress.toString() form "host/ip:port"; anything else is left unknown.
    private static MessageHost ParseHost(string text)
    {
        string address = text[(text.LastIndexOf('/') + 1)..];
        return System.Net.IPEndPoint.TryParse(address, out System.Net.IPEndPoint? endPoint) ? MessageHost.From(endPoint) : default;
    }

    /// <summary>
    /// Builds the consumer view of a pulled record: inflates the body (sysFlag bit 0; zlib, the only
    /// algorithm Java 4.9 producers use by default) and restores the topic of retry messages.
    /// </summary>
    private static ReceivedMessage FromRecord(ReadOnlyMemory<byte> record, in MessageView view, string brokerName, string? retryGroupTopic,
        Protocol.Utf8StringCache? strings)
    {
        var message = new ReceivedMessage(record, view, brokerName, strings);
        if ((message.SysFlag & MessageSysFlag.Compressed) != 0)
        {
            message.Body = Inflate(message.Body, message.SysFlag);
        }
        if (retryGroupTopic is not null && string.Equals(message.Topic, retryGroupTopic, StringComparison.Ordinal)
            && message.Property(MessageConst.RetryTopic) is { } original)
        {
            // RocketMQ ConsumeMessageConcurrentlyService.resetRetryAndNamespace: the app sees the original topic.
            message.PulledTopic = message.Topic;
            message.Topic = original;
        }
        return message;
    }

    // The record's fields that are read on demand: the bytes were validated when the message was built.
    private MessageView View()
    {
        MessageView.TryRead(_record.Span, checkCrc: false, out MessageView view, out _, lenientSize: true);
        return view;
    }

    internal static byte[] Inflate(ReadOnlyMemory<byte> compressed, int sysFlag)
    {
        int type = (sysFlag & MessageSysFlag.CompressionTypeMask) >> 8;
        if (type is not 0 and not 3)
        {
            throw new InvalidDataException("Compression type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture) + " (LZ4/ZSTD) is not supported; only zlib bodies can be inflated.");
        }
        using var input = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(compressed, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(compressed.ToArray(), writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream(compressed.Length * 4);
        zlib.CopyTo(output);
        return output.ToArray();
    }
}
