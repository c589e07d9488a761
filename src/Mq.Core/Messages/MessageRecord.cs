using System.Buffers.Binary;
using Mq.Common;

namespace Mq.Messages;

/// <summary>
/// Layout of a stored message record (§4.1; RocketMQ <c>CommitLog.DefaultAppendMessageCallback</c>,
/// <c>MessageDecoder</c>) and the encoder that writes one straight into its destination.
/// </summary>
public static class MessageRecord
{
    /// <summary>Magic code of a v1 record (<c>0xDAA320A7</c>).</summary>
    public const int MagicCode = unchecked((int)0xDAA320A7);

    /// <summary>Magic code of a 5.x v2 record (2-byte topic length).</summary>
    public const int MagicCodeV2 = unchecked((int)0xDAA320AB);

    /// <summary>Magic code of the end-of-segment filler (<c>0xCBD43194</c>).</summary>
    public const int BlankMagicCode = unchecked((int)0xCBD43194);

    /// <summary>Length of the end-of-segment filler header: size + magic.</summary>
    public const int BlankHeaderLength = 8;

    /// <summary>Offset of TOTALSIZE.</summary>
    public const int TotalSizePosition = 0;
    /// <summary>Offset of MAGICCODE.</summary>
    public const int MagicPosition = 4;
    /// <summary>Offset of BODYCRC.</summary>
    public const int BodyCrcPosition = 8;
    /// <summary>Offset of QUEUEID.</summary>
    public const int QueueIdPosition = 12;
    /// <summary>Offset of FLAG.</summary>
    public const int FlagPosition = 16;
    /// <summary>Offset of QUEUEOFFSET.</summary>
    public const int QueueOffsetPosition = 20;
    /// <summary>Offset of PHYSICALOFFSET.</summary>
    public const int PhysicalOffsetPosition = 28;
    /// <summary>Offset of SYSFLAG.</summary>
    public const int SysFlagPosition = 36;
    /// <summary>Offset of BORNTIMESTAMP.</summary>
    public const int BornTimestampPosition = 40;
    /// <summary>Offset of BORNHOST.</summary>
    public const int BornHostPosition = 48;

    /// <summary>Shortest valid record: IPv4 hosts, empty body/topic/properties.</summary>
    public const int MinLength = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + 1 + 2;

    /// <summary>Longest topic a v1 record can carry.</summary>
    public const int MaxTopicLength = sbyte.MaxValue;

    /// <summary>Offset of STORETIMESTAMP for a given sysFlag.</summary>
    public static int StoreTimestampPosition(int sysFlag) => BornHostPosition + BornHostLength(sysFlag);

    /// <summary>Bytes of BORNHOST for a sysFlag.</summary>
    public static int BornHostLength(int sysFlag) => (sysFlag & MessageSysFlag.BornHostV6) != 0 ? 20 : 8;

    /// <summary>Bytes of STOREHOST for a sysFlag.</summary>
    public static int StoreHostLength(int sysFlag) => (sysFlag & MessageSysFlag.StoreHostV6) != 0 ? 20 : 8;

    /// <summary>
    /// TOTALSIZE of a record (RocketMQ <c>CommitLog.calMsgLength</c>); <paramref name="topicLengthBytes"/>
    /// is 1 for v1 records and 2 for v2.
    /// </summary>
    public static int ComputeSize(int sysFlag, int bodyLength, int topicLength, int propertiesLength, int topicLengthBytes = 1) =>
        4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + BornHostLength(sysFlag) + 8 + StoreHostLength(sysFlag) + 4 + 8
        + 4 + bodyLength + topicLengthBytes + topicLength + 2 + propertiesLength;

    /// <summary>Body CRC as the broker stores it: CRC-32 (java.util.zip.CRC32) &amp; 0x7FFFFFFF.</summary>
    public static int BodyCrc(ReadOnlySpan<byte> body) => (int)(Crc32Fold.Compute(body) & 0x7FFFFFFF);

    /// <summary>SysFlag with the IPv6 host bits set exactly for genuine IPv6 hosts.</summary>
    public static int NormalizeSysFlag(int sysFlag, MessageHost bornHost, MessageHost storeHost)
    {
        sysFlag &= ~(MessageSysFlag.BornHostV6 | MessageSysFlag.StoreHostV6);
        if (bornHost.IsIPv6)
        {
            sysFlag |= MessageSysFlag.BornHostV6;
        }
        if (storeHost.IsIPv6)
        {
            sysFlag |= MessageSysFlag.StoreHostV6;
        }
        return sysFlag;
    }

    /// <summary>
    /// Writes the fixed header up to and including PREPARED TRANSACTION OFFSET; returns bytes written.
    /// <paramref name="sysFlag"/> must already be normalised (<see cref="NormalizeSysFlag"/>).
    /// </summary>
    public static int WriteHeader(
        Span<byte> destination, int totalSize, int bodyCrc, int queueId, int flag, long queueOffset, long physicalOffset,
        int sysFlag, long bornTimestamp, MessageHost bornHost, long storeTimestamp, MessageHost storeHost,
        int reconsumeTimes, long preparedTransactionOffset)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, totalSize);
        BinaryPrimitives.WriteInt32BigEndian(destination[MagicPosition..], MagicCode);
        BinaryPrimitives.WriteInt32BigEndian(destination[BodyCrcPosition..], bodyCrc);
        BinaryPrimitives.WriteInt32BigEndian(destination[QueueIdPosition..], queueId);
        BinaryPrimitives.WriteInt32BigEndian(destination[FlagPosition..], flag);
        BinaryPrimitives.WriteInt64BigEndian(destination[QueueOffsetPosition..], queueOffset);
        BinaryPrimitives.WriteInt64BigEndian(destination[PhysicalOffsetPosition..], physicalOffset);
        BinaryPrimitives.WriteInt32BigEndian(destination[SysFlagPosition..], sysFlag);
        BinaryPrimitives.WriteInt64BigEndian(destination[BornTimestampPosition..], bornTimestamp);
        int position = BornHostPosition + bornHost.Write(destination[BornHostPosition..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[position..], storeTimestamp);
        position += 8;
        position += storeHost.Write(destination[position..]);
        BinaryPrimitives.WriteInt32BigEndian(destination[position..], reconsumeTimes);
        position += 4;
        BinaryPrimitives.WriteInt64BigEndian(destination[position..], preparedTransactionOffset);
        return position + 8;
    }

    /// <summary>
    /// Encodes one complete record into <paramref name="destination"/> (exactly <paramref name="totalSize"/>
    /// bytes, from <see cref="ComputeSize"/>). <paramref name="topic"/> is the UTF-8 topic.
    /// </summary>
    public static void Write(
        Span<byte> destination, int totalSize, int bodyCrc, int queueId, int flag, long queueOffset, long physicalOffset,
        int sysFlag, long bornTimestamp, MessageHost bornHost, long storeTimestamp, MessageHost storeHost,
        int reconsumeTimes, long preparedTransactionOffset, ReadOnlySpan<byte> body, ReadOnlySpan<byte> topic,
        ReadOnlySpan<byte> properties)
    {
        int position = WriteHeader(destination, totalSize, bodyCrc, queueId, flag, queueOffset, physicalOffset, sysFlag,
            bornTimestamp, bornHost, storeTimestamp, storeHost, reconsumeTimes, preparedTransactionOffset);
        BinaryPrimitives.WriteInt32BigEndian(destination[position..], body.Length);
        position += 4;
        body.CopyTo(destination[position..]);
        position += body.Length;
        destination[position++] = (byte)topic.Length;
        topic.CopyTo(destination[position..]);
        position += topic.Length;
        BinaryPrimitives.WriteInt16BigEndian(destination[position..], (short)properties.Length);
        position += 2;
        properties.CopyTo(destination[position..]);
    }

    /// <summary>Writes the end-of-segment filler header (<c>[remaining][BLANK_MAGIC]</c>).</summary>
    public static void WriteBlank(Span<byte> destination, int remaining)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, remaining);
        BinaryPrimitives.WriteInt32BigEndian(destination[MagicPosition..], BlankMagicCode);
    }
}
