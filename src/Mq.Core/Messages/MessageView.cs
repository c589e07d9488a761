using System.Buffers.Binary;
using System.Text;

namespace Mq.Messages;

/// <summary>
/// A zero-copy view of one stored record (§4.1) over a span (RocketMQ
/// <c>MessageDecoder.decode</c> / <c>CommitLog.checkMessageAndReturnSize</c>). Field getters read the
/// span on demand; only <see cref="Topic"/> and the materialising helpers allocate.
/// </summary>
public readonly ref struct MessageView
{
    private readonly int _bodyPosition;
    private readonly int _topicPosition;
    private readonly int _topicLength;
    private readonly int _propertiesPosition;

    private MessageView(ReadOnlySpan<byte> record, int bodyPosition, int topicPosition, int topicLength, int propertiesPosition)
    {
        Record = record;
        _bodyPosition = bodyPosition;
        _topicPosition = topicPosition;
        _topicLength = topicLength;
        _propertiesPosition = propertiesPosition;
    }

    /// <summary>The whole record, exactly <see cref="TotalSize"/> bytes.</summary>
    public ReadOnlySpan<byte> Record { get; }

    /// <summary>TOTALSIZE.</summary>
    public int TotalSize => Record.Length;
    /// <summary>MAGICCODE.</summary>
    public int Magic => BinaryPrimitives.ReadInt32BigEndian(Record[MessageRecord.MagicPosition..]);
    /// <summary>BODYCRC.</summary>
    public int BodyCrc => BinaryPrimitives.ReadInt32BigEndian(Record[MessageRecord.BodyCrcPosition..]);
    /// <summary>QUEUEID.</summary>
    public int QueueId => BinaryPrimitives.ReadInt32BigEndian(Record[MessageRecord.QueueIdPosition..]);
    /// <summary>FLAG.</summary>
    public int Flag => BinaryPrimitives.ReadInt32BigEndian(Record[MessageRecord.FlagPosition..]);
    /// <summary>QUEUEOFFSET.</summary>
    public long QueueOffset => BinaryPrimitives.ReadInt64BigEndian(Record[MessageRecord.QueueOffsetPosition..]);
    /// <summary>PHYSICALOFFSET.</summary>
    public long PhysicalOffset => BinaryPrimitives.ReadInt64BigEndian(Record[MessageRecord.PhysicalOffsetPosition..]);
    /// <summary>SYSFLAG.</summary>
    public int SysFlag => BinaryPrimitives.ReadInt32BigEndian(Record[MessageRecord.SysFlagPosition..]);
    /// <summary>BORNTIMESTAMP.</summary>
    public long BornTimestamp => BinaryPrimitives.ReadInt64BigEndian(Record[MessageRecord.BornTimestampPosition..]);
    /// <summary>BORNHOST.</summary>
    public MessageHost BornHost => MessageHost.Read(Record[MessageRecord.BornHostPosition..], (SysFlag & MessageSysFlag.BornHostV6) != 0);
    /// <summary>STORETIMESTAMP.</summary>
    public long StoreTimestamp => BinaryPrimitives.ReadInt64BigEndian(Record[MessageRecord.StoreTimestampPosition(SysFlag)..]);
    /// <summary>STOREHOST.</summary>
    public MessageHost StoreHost => MessageHost.Read(Record[(MessageRecord.StoreTimestampPosition(SysFlag) + 8)..], (SysFlag & MessageSysFlag.StoreHostV6) != 0);
    /// <summary>RECONSUMETIMES.</summary>
    public int ReconsumeTimes => BinaryPrimitives.ReadInt32BigEndian(Record[(_bodyPosition - 16)..]);
    /// <summary>PREPARED TRANSACTION OFFSET.</summary>
    public long PreparedTransactionOffset => BinaryPrimitives.ReadInt64BigEndian(Record[(_bodyPosition - 12)..]);
    /// <summary>BODY (as stored; possibly compressed).</summary>
    public ReadOnlySpan<byte> Body => Record.Slice(_bodyPosition, _topicPosition - _bodyPosition - 1 - (Magic == MessageRecord.MagicCodeV2 ? 1 : 0));
    /// <summary>TOPIC as UTF-8.</summary>
    public ReadOnlySpan<byte> TopicUtf8 => Record.Slice(_topicPosition, _topicLength);
    /// <summary>TOPIC (allocates).</summary>
    public string Topic => Encoding.UTF8.GetString(TopicUtf8);
    /// <summary>PROPERTIES as UTF-8 (§4.3).</summary>
    public ReadOnlySpan<byte> Properties => Record[_propertiesPosition..];

    /// <summary>Where <see cref="Body"/> starts in <see cref="Record"/>.</summary>
    internal int BodyPosition => _bodyPosition;

    /// <summary>Where <see cref="Properties"/> starts in <see cref="Record"/>.</summary>
    internal int PropertiesPosition => _propertiesPosition;

    /// <summary>Whether the body CRC matches the body.</summary>
    public bool IsCrcValid => MessageRecord.BodyCrc(Body) == BodyCrc;

    /// <summary>Finds a property without allocating.</summary>
    public bool TryGetProperty(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value) =>
        MessageProperties.TryGetValue(Properties, key, out value);

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/>. Validates the magic, that TOTALSIZE
    /// matches the field lengths (the formula check), and the body CRC when <paramref name="checkCrc"/>.
    /// For <see cref="RecordReadStatus.Blank"/>, <paramref name="size"/> is the filler length.
    /// With <paramref name="lenientSize"/> the record's length comes from its fields and TOTALSIZE is not
    /// trusted, as Java's client-side <c>MessageDecoder.decode</c> reads (some real fixtures carry a wrong
    /// TOTALSIZE); the store never reads leniently.
    /// </summary>
    public static RecordReadStatus TryRead(ReadOnlySpan<byte> source, bool checkCrc, out MessageView view, out int size, bool lenientSize = false)
    {
        view = default;
        size = 0;
        if (source.Length < 8)
        {
            return source.Length >= 4 && BinaryPrimitives.ReadInt32BigEndian(source) == 0 ? RecordReadStatus.BadMagic : RecordReadStatus.NeedMoreData;
        }
        int totalSize = BinaryPrimitives.ReadInt32BigEndian(source);
        int magic = BinaryPrimitives.ReadInt32BigEndian(source[4..]);
        if (magic == MessageRecord.BlankMagicCode)
        {
            size = totalSize;
            return totalSize >= MessageRecord.BlankHeaderLength ? RecordReadStatus.Blank : RecordReadStatus.BadSize;
        }
        if (magic != MessageRecord.MagicCode && magic != MessageRecord.MagicCodeV2)
        {
            return RecordReadStatus.BadMagic;
        }
        if (!lenientSize && totalSize < MessageRecord.MinLength)
        {
            return RecordReadStatus.BadSize;
        }
        if (!lenientSize && source.Length < totalSize)
        {
            size = totalSize;
            return RecordReadStatus.NeedMoreData;
        }
        int limit = lenientSize ? source.Length : totalSize;
        var failure = lenientSize ? RecordReadStatus.NeedMoreData : RecordReadStatus.BadSize;
        if (limit < MessageRecord.SysFlagPosition + 4)
        {
            return failure;
        }
        int sysFlag = BinaryPrimitives.ReadInt32BigEndian(source[MessageRecord.SysFlagPosition..]);
        int position = MessageRecord.StoreTimestampPosition(sysFlag) + 8 + MessageRecord.StoreHostLength(sysFlag) + 4 + 8;
        if (position + 4 > limit)
        {
            return failure;
        }
        int bodyLength = BinaryPrimitives.ReadInt32BigEndian(source[position..]);
        position += 4;
        int bodyPosition = position;
        if (bodyLength < 0)
        {
            return RecordReadStatus.BadSize;
        }
        if ((long)position + bodyLength + 1 > limit)
        {
            return failure;
        }
        position += bodyLength;
        int topicLength;
        int topicLengthBytes;
        if (magic == MessageRecord.MagicCodeV2)
        {
            if (position + 2 > limit)
            {
                return failure;
            }
            topicLength = BinaryPrimitives.ReadInt16BigEndian(source[position..]);
            topicLengthBytes = 2;
        }
        else
        {
            topicLength = (sbyte)source[position];
            topicLengthBytes = 1;
        }
        position += topicLengthBytes;
        if (topicLength < 0)
        {
            return RecordReadStatus.BadSize;
        }
        if (position + topicLength + 2 > limit)
        {
            return failure;
        }
        int topicPosition = position;
        position += topicLength;
        int propertiesLength = BinaryPrimitives.ReadInt16BigEndian(source[position..]);
        position += 2;
        if (propertiesLength < 0)
        {
            return RecordReadStatus.BadSize;
        }
        int end = position + propertiesLength;
        if (end > limit)
        {
            return failure;
        }
        if (!lenientSize && end != totalSize)
        {
            return RecordReadStatus.BadSize;
        }
        view = new MessageView(source[..end], bodyPosition, topicPosition, topicLength, position);
        size = end;
        if (checkCrc && !view.IsCrcValid)
        {
            view = default;
            return RecordReadStatus.BadCrc;
        }
        return RecordReadStatus.Ok;
    }
}
