using System.Buffers;

namespace Mq.Messages;

/// <summary>
/// Decodes bodies made of stored records back to back (PULL_MESSAGE, QUERY_MESSAGE and
/// VIEW_MESSAGE_BY_ID responses; RocketMQ <c>MessageDecoder.decodes</c>).
/// </summary>
public static class MessageDecoder
{
    /// <summary>Materialises one record view.</summary>
    public static DecodedMessage ToDecodedMessage(in MessageView view) => new()
    {
        StoreSize = view.TotalSize,
        BodyCrc = view.BodyCrc,
        Topic = view.Topic,
        QueueId = view.QueueId,
        Flag = view.Flag,
        QueueOffset = view.QueueOffset,
        CommitLogOffset = view.PhysicalOffset,
        SysFlag = view.SysFlag,
        BornTimestamp = view.BornTimestamp,
        BornHost = view.BornHost,
        StoreTimestamp = view.StoreTimestamp,
        StoreHost = view.StoreHost,
        ReconsumeTimes = view.ReconsumeTimes,
        PreparedTransactionOffset = view.PreparedTransactionOffset,
        Body = view.Body.ToArray(),
        Properties = MessageProperties.Decode(view.Properties),
    };

    /// <summary>
    /// Decodes like Java's client (<c>MessageDecoder.decode</c>): the length comes from the fields, the CRC is
    /// checked only on request. Decodes one record at the start of <paramref name="source"/>; throws <see cref="InvalidDataException"/>
    /// when it is not a complete, well-formed record.
    /// </summary>
    public static DecodedMessage Decode(ReadOnlySpan<byte> source, bool checkCrc = false)
    {
        var status = MessageView.TryRead(source, checkCrc, out var view, out _, lenientSize: true);
        if (status != RecordReadStatus.Ok)
        {
            throw new InvalidDataException($"Not a valid stored message record: {status}.");
        }
        return ToDecodedMessage(view);
    }

    /// <summary>
    /// Decodes records until the buffer is exhausted or the rest is not a record (a trailing remainder
    /// that does not start with a record magic is ignored, as Java's decoder stops there).
    /// </summary>
    public static List<DecodedMessage> DecodeAll(ReadOnlySequence<byte> source, bool checkCrc = false)
    {
        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (source.IsSingleSegment)
        {
            span = source.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(checked((int)source.Length));
            source.CopyTo(rented);
            span = rented.AsSpan(0, (int)source.Length);
        }
        try
        {
            return DecodeAll(span, checkCrc);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Span overload of <see cref="DecodeAll(ReadOnlySequence{byte}, bool)"/>.</summary>
    public static List<DecodedMessage> DecodeAll(ReadOnlySpan<byte> source, bool checkCrc = false)
    {
        var result = new List<DecodedMessage>();
        while (!source.IsEmpty)
        {
            var status = MessageView.TryRead(source, checkCrc, out var view, out int size, lenientSize: true);
            if (status == RecordReadStatus.Ok)
            {
                result.Add(ToDecodedMessage(view));
                source = source[size..];
            }
            else if (status == RecordReadStatus.BadMagic)
            {
                break;
            }
            else
            {
                throw new InvalidDataException($"Record {result.Count} in the buffer is invalid: {status}.");
            }
        }
        return result;
    }
}
