using Mq.Messages;

namespace Mq.Storage;

public sealed partial class MessageStore
{
    /// <inheritdoc />
    public AppendResult Append(MessageToStore message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _commitLog.Append(message);
    }

    /// <inheritdoc />
    public AppendResult AppendBatch(MessageBatchToStore batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return _commitLog.AppendBatch(batch);
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendAsync(MessageToStore message, CancellationToken cancellationToken = default)
    {
        var result = Append(message);
        return Durable(result, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<AppendResult> AppendBatchAsync(MessageBatchToStore batch, CancellationToken cancellationToken = default)
    {
        var result = AppendBatch(batch);
        return Durable(result, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<PutMessageStatus> WaitDurableAsync(long endOffset, CancellationToken cancellationToken = default) =>
        _flush is { } flush ? flush.WaitAsync(endOffset, cancellationToken) : new ValueTask<PutMessageStatus>(PutMessageStatus.ServiceNotAvailable);

    private ValueTask<AppendResult> Durable(AppendResult result, CancellationToken cancellationToken)
    {
        if (result.Status != PutMessageStatus.PutOk || _options.FlushDiskType != FlushDiskType.SyncFlush)
        {
            return new ValueTask<AppendResult>(result);
        }
        var wait = WaitDurableAsync(result.EndOffset, cancellationToken);
        if (wait.IsCompletedSuccessfully)
        {
            return new ValueTask<AppendResult>(result.WithStatus(wait.Result));
        }
        return AwaitDurable(result, wait);

        // Pooled builder: a sync-flush append that has to wait allocates no state-machine box.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        static async ValueTask<AppendResult> AwaitDurable(AppendResult result, ValueTask<PutMessageStatus> wait) =>
            result.WithStatus(await wait.ConfigureAwait(false));
    }

    /// <inheritdoc />
    public void AppendReplicated(long physicalOffset, ReadOnlySpan<byte> data)
    {
        if (_role != BrokerRole.Slave)
        {
            throw new InvalidOperationException("Replicated bytes are only appended to a store opened (or switched) as a slave.");
        }
        if (_commitLog.Refusal is WriteRefusal.ShuttingDown or WriteRefusal.FlushFailed)
        {
            throw new InvalidOperationException($"The store refuses replication appends: {_commitLog.Refusal}.");
        }
        _commitLog.AppendRaw(physicalOffset, data);
    }

    /// <inheritdoc />
    public int ReadCommitted(long physicalOffset, Span<byte> destination) => _commitLog.ReadCommitted(physicalOffset, destination);

    /// <inheritdoc />
    public ValueTask WaitForMaxOffsetAsync(long offset, CancellationToken cancellationToken = default) =>
        _commitLog.MaxOffset >= offset
            ? ValueTask.CompletedTask
            : _commitLog.MaxOffsetNotifier.WaitAsync(offset, _maxOffsetReader, cancellationToken);

    /// <inheritdoc />
    public StoredMessage? ReadMessage(long physicalOffset)
    {
        Span<byte> header = stackalloc byte[4];
        if (_commitLog.ReadCommitted(physicalOffset, header) != 4)
        {
            return null;
        }
        int size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header);
        var leases = new LeaseSet();
        if (size < MessageRecord.MinLength || !leases.TryLease(_commitLog, physicalOffset, size, out var record)
            || MessageView.TryRead(record.Span, checkCrc: false, out _, out _) != RecordReadStatus.Ok)
        {
            leases.Release();
            return null;
        }
        return new StoredMessage(leases, record);
    }

    /// <inheritdoc />
    public StoredMessage? ReadMessage(string offsetMessageId)
    {
        ArgumentNullException.ThrowIfNull(offsetMessageId);
        return OffsetMessageId.TryParse(offsetMessageId, out _, out long offset) ? ReadMessage(offset) : null;
    }

    /// <summary>The offset message ids of a batch append, comma-joined as RocketMQ's SEND_BATCH response carries them.</summary>
    public string BatchOffsetMessageIds(in AppendResult result, MessageHost storeHost)
    {
        var builder = new System.Text.StringBuilder();
        long offset = result.WroteOffset;
        Span<byte> header = stackalloc byte[4];
        for (int i = 0; i < result.MessageCount; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }
            builder.Append(OffsetMessageId.Create(storeHost, offset));
            if (_commitLog.ReadCommitted(offset, header) != 4)
            {
                break;
            }
            offset += System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header);
        }
        return builder.ToString();
    }
}
