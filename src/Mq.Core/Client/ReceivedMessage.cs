using System.IO.Compression;
using Mq.Messages;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>
/// A message as consumers see it (RocketMQ <c>MessageExt</c>): the stored record decoded, its body
/// inflated when the producer compressed it, and the original topic restored for retried messages.
/// </summary>
public sealed class ReceivedMessage
{
    // The decoded record stays behind the message: fields the handler never reads (hosts, ids, times) are
    // materialised on first use instead of for every delivered message.
    private readonly DecodedMessage _record;
    private string? _offsetMessageId;
    private System.Net.IPEndPoint? _bornHost;
    private System.Net.IPEndPoint? _storeHost;

    private ReceivedMessage(DecodedMessage record, string brokerName, string topic, byte[] body)
    {
        _record = record;
        Topic = topic;
        Body = body;
        BrokerName = brokerName;
    }

    /// <summary>Message id: the producer's <c>UNIQ_KEY</c> when present, else <see cref="OffsetMessageId"/> (as Java/Go).</summary>
    public string MessageId => Property(MessageConst.UniqueClientMessageIdKeyIndex) ?? OffsetMessageId;

    /// <summary>The broker's id of the stored record: store host + commit-log offset (§4.7).</summary>
    public string OffsetMessageId => _offsetMessageId ??= _record.OffsetMessageId;

    /// <summary>The topic; for a redelivered message, the original topic (from <c>RETRY_TOPIC</c>).</summary>
    public string Topic { get; }

    /// <summary>The body, inflated when the producer compressed it.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>All properties of the stored message (system and user).</summary>
    public IReadOnlyDictionary<string, string> Properties => _record.Properties;

    /// <summary>The tag, or null.</summary>
    public string? Tags => Property(MessageConst.Tags);

    /// <summary>The business keys (space-separated), or null.</summary>
    public string? Keys => Property(MessageConst.Keys);

    /// <summary>The broker the message was pulled from.</summary>
    public string BrokerName { get; }

    /// <summary>The queue id the message was pulled from.</summary>
    public int QueueId => _record.QueueId;

    /// <summary>The queue the message was pulled from (its topic is the pulled topic, e.g. <c>%RETRY%group</c>).</summary>
    public MessageQueue Queue => new(PulledTopic ?? Topic, BrokerName, QueueId);

    /// <summary>The consume-queue offset.</summary>
    public long QueueOffset => _record.QueueOffset;

    /// <summary>The commit-log (physical) offset.</summary>
    public long CommitLogOffset => _record.CommitLogOffset;

    /// <summary>The user flag.</summary>
    public int Flag => _record.Flag;

    /// <summary>The stored system flag (§4.2).</summary>
    public int SysFlag => _record.SysFlag;

    /// <summary>How many times this message was redelivered after consume failures.</summary>
    public int ReconsumeTimes => _record.ReconsumeTimes;

    /// <summary>When the producer created it (producer clock).</summary>
    public DateTimeOffset BornTimestamp => DateTimeOffset.FromUnixTimeMilliseconds(_record.BornTimestamp);

    /// <summary>When the broker stored it (broker clock).</summary>
    public DateTimeOffset StoreTimestamp => DateTimeOffset.FromUnixTimeMilliseconds(_record.StoreTimestamp);

    /// <summary>The producer's address as the broker saw it.</summary>
    public System.Net.IPEndPoint BornHost => _bornHost ??= _record.BornHost.ToEndPoint();

    /// <summary>The broker's store address.</summary>
    public System.Net.IPEndPoint StoreHost => _storeHost ??= _record.StoreHost.ToEndPoint();

    /// <summary>The stored record size in bytes.</summary>
    public int StoreSize => _record.StoreSize;

    /// <summary>For a committed transactional message, the half message's commit-log offset; else 0.</summary>
    public long PreparedTransactionOffset => _record.PreparedTransactionOffset;

    /// <summary>A property value, or null.</summary>
    public string? Property(string key) => Properties.TryGetValue(key, out string? value) ? value : null;

    /// <summary>The topic the record was pulled from when it differs from <see cref="Topic"/> (retries).</summary>
    internal string? PulledTopic { get; private init; }

    /// <inheritdoc />
    public override string ToString() => $"ReceivedMessage [topic={Topic}, msgId={MessageId}, queue={BrokerName}/{QueueId}, offset={QueueOffset}, reconsumeTimes={ReconsumeTimes}]";

    /// <summary>
    /// Builds the consumer view of a pulled record: inflates the body (sysFlag bit 0; zlib, the only
    /// algorithm Java 4.9 producers use by default) and restores the topic of retry messages.
    /// </summary>
    internal static ReceivedMessage FromRecord(DecodedMessage record, string brokerName, string? retryGroupTopic)
    {
        byte[] body = record.Body;
        if ((record.SysFlag & MessageSysFlag.Compressed) != 0)
        {
            body = Inflate(record.Body, record.SysFlag);
        }
        string topic = record.Topic;
        string? pulledTopic = null;
        if (retryGroupTopic is not null && string.Equals(record.Topic, retryGroupTopic, StringComparison.Ordinal)
            && record.Properties.TryGetValue(MessageConst.RetryTopic, out string? original))
        {
            // RocketMQ ConsumeMessageConcurrentlyService.resetRetryAndNamespace: the app sees the original topic.
            topic = original;
            pulledTopic = record.Topic;
        }
        return new ReceivedMessage(record, brokerName, topic, body) { PulledTopic = pulledTopic };
    }

    internal static byte[] Inflate(byte[] compressed, int sysFlag)
    {
        int type = (sysFlag & MessageSysFlag.CompressionTypeMask) >> 8;
        if (type is not 0 and not 3)
        {
            throw new InvalidDataException("Compression type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture) + " (LZ4/ZSTD) is not supported; only zlib bodies can be inflated.");
        }
        using var input = new MemoryStream(compressed, writable: false);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream(compressed.Length * 4);
        zlib.CopyTo(output);
        return output.ToArray();
    }
}
