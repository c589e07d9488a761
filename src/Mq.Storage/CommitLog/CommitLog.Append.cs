using System.Text;
using Mq.Messages;

namespace Mq.Storage.CommitLog;

internal sealed partial class CommitLog
{
    /// <summary>
    /// Appends one message (RocketMQ <c>CommitLog.putMessage</c> + <c>DefaultAppendMessageCallback.doAppend</c>).
    /// The body CRC is computed before taking the lock; the record is encoded straight into the segment.
    /// </summary>
    public AppendResult Append(MessageToStore message)
    {
        ReadOnlySpan<byte> body = message.Body.Span;
        ReadOnlySpan<byte> properties = message.Properties.Span;
        if (properties.Length > MessageProperties.MaxLength)
        {
            return AppendResult.Failed(PutMessageStatus.PropertiesSizeExceeded);
        }
        string topic = message.Topic;
        int topicLength = topic is null ? 0 : Encoding.UTF8.GetByteCount(topic);
        if (topicLength is 0 or > MessageRecord.MaxTopicLength || message.QueueId < 0)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        int sysFlag = MessageRecord.NormalizeSysFlag(message.SysFlag, message.BornHost, message.StoreHost);
        int size = MessageRecord.ComputeSize(sysFlag, body.Length, topicLength, properties.Length);
        if (size > _maxMessageSize)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        int crc = MessageRecord.BodyCrc(body);
        bool dispatchable = MessageSysFlag.IsDispatchable(sysFlag);
        if (IsOsPageCacheBusy)
        {
            return AppendResult.Failed(PutMessageStatus.OsPageCacheBusy);
        }

        long position;
        long queueOffset = 0;
        long storeTimestamp;
        lock (_writeLock)
        {
            storeTimestamp = EnterLock();
            try
            {
                if (Refuse(size, out var segment) is { } refused)
                {
                    return AppendResult.Failed(refused);
                }
                position = _writePosition;
                System.Runtime.CompilerServices.StrongBox<long>? slot = null;
                if (dispatchable)
                {
                    slot = QueueSlot(topic!, message.QueueId);
                    queueOffset = slot.Value;
                }
                var destination = WriteSpan(segment, position, size);
                int at = MessageRecord.WriteHeader(destination, size, crc, message.QueueId, message.Flag, queueOffset, position, sysFlag,
                    message.BornTimestamp, message.BornHost, storeTimestamp, message.StoreHost, message.ReconsumeTimes,
                    message.PreparedTransactionOffset);
                at = WriteTail(destination, at, body, topic!, topicLength, properties, ReadOnlySpan<byte>.Empty);
                if (!TryCommitWrite(segment, position, destination))
                {
                    return AppendResult.Failed(PutMessageStatus.UnknownError);
                }
                if (slot is not null)
                {
                    slot.Value = queueOffset + 1;
                }
                segment.LastStoreTimestamp = storeTimestamp;
                _writePosition = position + size;
                Volatile.Write(ref _maxOffset, position + size);
                _allocator.WarmAhead(segment, _writePosition - segment.StartOffset);
            }
            finally
            {
                Volatile.Write(ref _lockHeldSinceMs, 0);
            }
        }
        Appended.Set();
        MaxOffsetNotifier.Notify(position + size);
        WakeFlusherIfDue(position + size);
        return new AppendResult(PutMessageStatus.PutOk, position, size, queueOffset, 1, storeTimestamp);
    }

    /// <summary>
    /// Appends a batch (RocketMQ <c>CommitLog.putMessages</c> + <c>MessageExtBatchEncoder</c>): all inner
    /// messages in one reservation with consecutive queue offsets.
    /// </summary>
    public AppendResult AppendBatch(MessageBatchToStore batch)
    {
        ReadOnlySpan<byte> raw = batch.Body.Span;
        ReadOnlySpan<byte> extra = batch.ExtraProperties.Span;
        string topic = batch.Topic;
        int topicLength = topic is null ? 0 : Encoding.UTF8.GetByteCount(topic);
        if (topicLength is 0 or > MessageRecord.MaxTopicLength || batch.QueueId < 0 || raw.Length > _maxMessageSize)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        int sysFlag = MessageRecord.NormalizeSysFlag(batch.SysFlag, batch.BornHost, batch.StoreHost);
        if ((sysFlag & MessageSysFlag.TransactionTypeMask) != 0 || (sysFlag & MessageSysFlag.Compressed) != 0)
        {
            // RocketMQ refuses transactional and compressed batches.
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        int count = BatchMessageReader.Validate(raw);
        if (count <= 0)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        long total = 0;
        var reader = new BatchMessageReader(raw);
        while (reader.TryReadNext(out var inner))
        {
            int propertiesLength = CombinedPropertiesLength(inner.Properties, extra);
            if (propertiesLength > MessageProperties.MaxLength)
            {
                return AppendResult.Failed(PutMessageStatus.PropertiesSizeExceeded);
            }
            total += MessageRecord.ComputeSize(sysFlag, inner.Body.Length, topicLength, propertiesLength);
        }
        if (total > _maxMessageSize)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        int size = (int)total;
        if (IsOsPageCacheBusy)
        {
            return AppendResult.Failed(PutMessageStatus.OsPageCacheBusy);
        }

        long position;
        long firstQueueOffset;
        long storeTimestamp;
        lock (_writeLock)
        {
            storeTimestamp = EnterLock();
            try
            {
                if (Refuse(size, out var segment) is { } refused)
                {
                    return AppendResult.Failed(refused);
                }
                position = _writePosition;
                var next = QueueSlot(topic!, batch.QueueId);
                firstQueueOffset = next.Value;
                var destination = WriteSpan(segment, position, size);
                int at = 0;
                long queueOffset = firstQueueOffset;
                reader = new BatchMessageReader(raw);
                while (reader.TryReadNext(out var inner))
                {
                    int propertiesLength = CombinedPropertiesLength(inner.Properties, extra);
                    int recordSize = MessageRecord.ComputeSize(sysFlag, inner.Body.Length, topicLength, propertiesLength);
                    var record = destination.Slice(at, recordSize);
                    int p = MessageRecord.WriteHeader(record, recordSize, MessageRecord.BodyCrc(inner.Body), batch.QueueId, inner.Flag,
                        queueOffset++, position + at, sysFlag, batch.BornTimestamp, batch.BornHost, storeTimestamp, batch.StoreHost,
                        batch.ReconsumeTimes, 0);
                    WriteTail(record, p, inner.Body, topic!, topicLength, inner.Properties, extra);
                    at += recordSize;
                }
                if (!TryCommitWrite(segment, position, destination))
                {
                    return AppendResult.Failed(PutMessageStatus.UnknownError);
                }
                next.Value = firstQueueOffset + count;
                segment.LastStoreTimestamp = storeTimestamp;
                _writePosition = position + size;
                Volatile.Write(ref _maxOffset, position + size);
                _allocator.WarmAhead(segment, _writePosition - segment.StartOffset);
            }
            finally
            {
                Volatile.Write(ref _lockHeldSinceMs, 0);
            }
        }
        Appended.Set();
        MaxOffsetNotifier.Notify(position + size);
        WakeFlusherIfDue(position + size);
        return new AppendResult(PutMessageStatus.PutOk, position, size, firstQueueOffset, count, storeTimestamp);
    }

    /// <summary>
    /// Appends raw commit-log bytes on a slave at exactly <paramref name="physicalOffset"/>, which must be
    /// the current end (RocketMQ <c>CommitLog.appendData</c>). Bytes may end inside a record; only
    /// complete records are dispatched.
    /// </summary>
    public void AppendRaw(long physicalOffset, ReadOnlySpan<byte> data)
    {
        lock (_writeLock)
        {
            if (_writePosition == 0 && _segments.Length == 0 && physicalOffset > 0 && physicalOffset % _segmentSize == 0)
            {
                // An empty slave joining a master whose older segments are gone starts its log where the
                // master's does (RocketMQ creates the first mapped file at that offset the same way).
                // MaxOffset is published only with the data below, after the first segment set MinOffset,
                // so the dispatcher never sees an end beyond a log that does not exist yet.
                _writePosition = physicalOffset;
            }
            if (physicalOffset != _writePosition)
            {
                throw new InvalidOperationException(
                    $"Replication offset mismatch: the data starts at {physicalOffset} but the commit log ends at {_writePosition}; nothing was written.");
            }
            while (!data.IsEmpty)
            {
                var segment = _active;
                if (segment is null || _writePosition >= segment.EndOffset)
                {
                    segment = Roll(_writePosition);
                }
                int room = (int)(segment.EndOffset - _writePosition);
                int chunk = Math.Min(room, data.Length);
                segment.Device.Write(_writePosition - segment.StartOffset, data[..chunk]);
                // Receipt time stands in for the last store time so retention works on a slave too.
                segment.LastStoreTimestamp = Now();
                data = data[chunk..];
                _writePosition += chunk;
                _allocator.WarmAhead(segment, _writePosition - segment.StartOffset);
            }
            Volatile.Write(ref _maxOffset, _writePosition);
        }
        Appended.Set();
        MaxOffsetNotifier.Notify(MaxOffset);
    }

    /// <summary>Inside the lock: why this append cannot be written (null when <paramref name="segment"/> has room for it).</summary>
    private PutMessageStatus? Refuse(int size, out CommitLogSegment segment)
    {
        if (_refusal != WriteRefusal.None)
        {
            segment = null!;
            return PutMessageStatus.ServiceNotAvailable;
        }
        return TryReserve(size, out segment) ? null : PutMessageStatus.CreateMappedFileFailed;
    }

    /// <summary>Reads the store time once per append and marks the lock as held since then (see <see cref="IsOsPageCacheBusy"/>).</summary>
    private long EnterLock()
    {
        long now = Now();
        Volatile.Write(ref _lockHeldSinceMs, now);
        return now;
    }

    private static int CombinedPropertiesLength(ReadOnlySpan<byte> own, ReadOnlySpan<byte> extra) =>
        own.Length + extra.Length + (NeedsSeparator(own, extra) ? 1 : 0);

    private static bool NeedsSeparator(ReadOnlySpan<byte> own, ReadOnlySpan<byte> extra) =>
        !own.IsEmpty && !extra.IsEmpty && own[^1] != MessageProperties.PropertySeparator;

    private static int WriteTail(Span<byte> destination, int at, ReadOnlySpan<byte> body, string topic, int topicLength,
        ReadOnlySpan<byte> properties, ReadOnlySpan<byte> extra)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[at..], body.Length);
        at += 4;
        body.CopyTo(destination[at..]);
        at += body.Length;
        destination[at++] = (byte)topicLength;
        at += Encoding.UTF8.GetBytes(topic, destination[at..]);
        bool separator = NeedsSeparator(properties, extra);
        int propertiesLength = properties.Length + extra.Length + (separator ? 1 : 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(destination[at..], (short)propertiesLength);
        at += 2;
        properties.CopyTo(destination[at..]);
        at += properties.Length;
        if (separator)
        {
            destination[at++] = MessageProperties.PropertySeparator;
        }
        extra.CopyTo(destination[at..]);
        return at + extra.Length;
    }

    /// <summary>
    /// Makes room for <paramref name="size"/> bytes: when the record plus an 8-byte filler does not fit in
    /// the active segment, writes the BLANK filler and rolls (a record never spans two segments).
    /// </summary>
    private bool TryReserve(int size, out CommitLogSegment segment)
    {
        try
        {
            segment = _active ?? Roll(_writePosition);
            long remaining = segment.EndOffset - _writePosition;
            if (size + MessageRecord.BlankHeaderLength > remaining)
            {
                if (remaining >= MessageRecord.BlankHeaderLength)
                {
                    Span<byte> blank = stackalloc byte[MessageRecord.BlankHeaderLength];
                    MessageRecord.WriteBlank(blank, (int)remaining);
                    segment.Device.Write(_writePosition - segment.StartOffset, blank);
                }
                _writePosition = segment.EndOffset;
                Volatile.Write(ref _maxOffset, _writePosition);
                // Published now, not with the record: if the roll below fails, the dispatcher and replication
                // must still learn that the segment ended (both signals complete asynchronously, safe under the lock).
                Appended.Set();
                MaxOffsetNotifier.Notify(_writePosition);
                segment = Roll(_writePosition);
            }
            return true;
        }
        catch (IOException)
        {
            segment = null!;
            return false;
        }
    }

    private CommitLogSegment Roll(long startOffset)
    {
        var segment = _allocator.Take(startOffset);
        AddSegment(segment);
        _active = segment;
        _allocator.Request(startOffset + _segmentSize);
        return segment;
    }

    private Span<byte> WriteSpan(CommitLogSegment segment, long position, int size)
    {
        if (segment.IsDirect)
        {
            return segment.Memory.Span.Slice((int)(position - segment.StartOffset), size);
        }
        if (_scratch.Length < size)
        {
            _scratch = new byte[Math.Max(size, 64 * 1024)];
        }
        return _scratch.AsSpan(0, size);
    }

    /// <summary>
    /// Copies encoded records to a non-memory device, the leading size field last: a failed or short write
    /// leaves that field zero, so recovery after a crash sees the end of the log there and never takes a
    /// partial record for a real one (RocketMQ never meets this: it writes through a mapping). The end and
    /// the queue offsets stay where they were, so the next append overwrites the bytes. Caller holds the
    /// write lock.
    /// </summary>
    private bool TryCommitWrite(CommitLogSegment segment, long position, Span<byte> written)
    {
        if (segment.IsDirect)
        {
            return true;
        }
        long at = position - segment.StartOffset;
        try
        {
            segment.Device.Write(at + sizeof(int), written[sizeof(int)..]);
            segment.Device.Write(at, written[..sizeof(int)]);
            return true;
        }
        catch (IOException ex)
        {
            StoreLog.CommitLogWriteFailed(_logger, position, written.Length, ex);
            return false;
        }
    }
}
