using System.Text;
using Mq.Messages;

namespace Mq.Storage.CommitLog;

internal sealed partial class CommitLog
{
    /// <summary>
    /// Appends one message (RocketMQ <c>CommitLog.putMessage</c> + <c>DefaultAppendMessageCallback.doAppend</c>).
    /// The body CRC is computed before taking the lock; the record is encoded straight into the segment.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public AppendResult Append(MessageToStore message)
    {
        ReadOnlySpan<byte> body = message.Body.Span;
        ReadOnlySpan<byte> properties = message.Properties.Span;
        if (properties.Length > MessageProperties.MaxLength)
        {
            return AppendResult.Failed(PutMessageStatus.PropertiesSizeExceeded);
        }
        string topic = message.Topic;
        Span<byte> topicBuffer = stackalloc byte[MessageRecord.MaxTopicLength];
        if (!TryEncodeTopic(topic, topicBuffer, out int topicLength) || message.QueueId < 0)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        ReadOnlySpan<byte> topicUtf8 = topicBuffer[..topicLength];
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
        long now = Now();
        lock (_writeLock)
        {
            storeTimestamp = EnterLock(now);
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
                at = WriteTail(destination, at, body, topicUtf8, properties, ReadOnlySpan<byte>.Empty);
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
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public AppendResult AppendBatch(MessageBatchToStore batch)
    {
        ReadOnlySpan<byte> raw = batch.Body.Span;
        ReadOnlySpan<byte> extra = batch.ExtraProperties.Span;
        string topic = batch.Topic;
        Span<byte> topicBuffer = stackalloc byte[MessageRecord.MaxTopicLength];
        if (!TryEncodeTopic(topic, topicBuffer, out int topicLength) || batch.QueueId < 0 || raw.Length > _maxMessageSize)
        {
            return AppendResult.Failed(PutMessageStatus.MessageIllegal);
        }
        ReadOnlySpan<byte> topicUtf8 = topicBuffer[..topicLength];
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
        long now = Now();
        lock (_writeLock)
        {
            storeTimestamp = EnterLock(now);
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
                    WriteTail(record, p, inner.Body, topicUtf8, inner.Properties, extra);
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

    /// <summary>
    /// Caller just took the write lock: marks it held (see <see cref="IsOsPageCacheBusy"/>) and returns the
    /// append's store time. The wall clock is read before the lock (<paramref name="now"/>), which takes its
    /// 25 ns out of the section every appender waits for. Two appenders can then take the lock in the other
    /// order than they read the clock; a store time a little behind the previous record's is raised to it, so
    /// store times keep their log order (search by time bisects on them) as they did with the clock read
    /// inside. A reading <see cref="ClockStepMs"/> or more behind is either stale (this appender waited that
    /// long for the lock) or the clock was set back: the clock is read again, and a step back is taken as is.
    /// </summary>
    private long EnterLock(long now)
    {
        Volatile.Write(ref _lockHeldSinceMs, LockClockMs());
        long last = _lastStoreTimestamp;
        if (last - now >= ClockStepMs)
        {
            now = Now();
        }
        if (now < last && last - now < ClockStepMs)
        {
            return last;
        }
        _lastStoreTimestamp = now;
        return now;
    }

    /// <summary>How far behind the previous store time a clock reading counts as the clock being set back.</summary>
    internal const long ClockStepMs = 1000;

    /// <summary>The topic's UTF-8 bytes, encoded before the lock; false for a missing, empty or too long topic.</summary>
    private static bool TryEncodeTopic(string? topic, Span<byte> buffer, out int length)
    {
        length = 0;
        return topic is not null && Encoding.UTF8.TryGetBytes(topic, buffer, out length) && length > 0;
    }

    private static int CombinedPropertiesLength(ReadOnlySpan<byte> own, ReadOnlySpan<byte> extra) =>
        own.Length + extra.Length + (NeedsSeparator(own, extra) ? 1 : 0);

    private static bool NeedsSeparator(ReadOnlySpan<byte> own, ReadOnlySpan<byte> extra) =>
        !own.IsEmpty && !extra.IsEmpty && own[^1] != MessageProperties.PropertySeparator;

    private static int WriteTail(Span<byte> destination, int at, ReadOnlySpan<byte> body, ReadOnlySpan<byte> topicUtf8,
        ReadOnlySpan<byte> properties, ReadOnlySpan<byte> extra)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[at..], body.Length);
        at += 4;
        body.CopyTo(destination[at..]);
        at += body.Length;
        destination[at++] = (byte)topicUtf8.Length;
        topicUtf8.CopyTo(destination[at..]);
        at += topicUtf8.Length;
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
