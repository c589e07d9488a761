using Mq.Protocol.Body;

namespace Mq.Client;

// Commits (RemoteBrokerOffsetStore, UPDATE_CONSUMER_OFFSET) and seeks (DefaultLitePullConsumerImpl.seek*).
public sealed partial class PullConsumer
{
    /// <summary>
    /// Commits the consumed offset of every owned queue to the broker and waits for its acknowledgements
    /// (Java <c>commitSync</c>). Queues whose offset did not move since the last commit are skipped.
    /// </summary>
    /// <exception cref="MqClientException">A broker refused or could not be reached; other queues may be committed.</exception>
    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        return CommitCoreAsync(waitForAck: true, cancellationToken);
    }

    /// <summary>
    /// Commits the consumed offsets without waiting (oneway UPDATE_CONSUMER_OFFSET, Java <c>commitAsync</c> style):
    /// returns at once; failures are logged and the next commit sends the offsets again.
    /// </summary>
    public void CommitInBackground()
    {
        ThrowIfNotRunning();
        if (Interlocked.Exchange(ref _autoCommitRunning, 1) == 0)
        {
            _ = BackgroundCommitAsync();
        }
    }

    /// <summary>The offset the broker stores for this group and <paramref name="queue"/>, or -1 when none was committed.</summary>
    public async Task<long> CommittedOffsetAsync(MessageQueue queue, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(queue);
        await EnsureRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        return await _api.QueryCommittedOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first offset of <paramref name="queue"/> stored at or after <paramref name="timestamp"/> (SEARCH_OFFSET_BY_TIMESTAMP).</summary>
    public async Task<long> OffsetForTimestampAsync(MessageQueue queue, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(queue);
        await EnsureRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        return await _api.SearchOffsetAsync(queue, timestamp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves an owned queue to <paramref name="offset"/>: buffered messages of the queue are dropped, pulling
    /// restarts there and the consumed offset becomes <paramref name="offset"/> (committed by the next commit).
    /// </summary>
    /// <exception cref="InvalidOperationException">The queue is not owned by this consumer.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is outside the queue's [min, max] offsets.</exception>
    public async Task SeekAsync(MessageQueue queue, long offset, CancellationToken cancellationToken = default)
    {
        EnsureOwned(queue);
        await EnsureRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        long min = await _api.QueryMinOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
        long max = await _api.QueryMaxOffsetAsync(queue, cancellationToken).ConfigureAwait(false);
        if (offset < min || offset > max)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                "Seek offset " + offset.ToString(System.Globalization.CultureInfo.InvariantCulture) + " is outside [" + min.ToString(System.Globalization.CultureInfo.InvariantCulture)
                + ", " + max.ToString(System.Globalization.CultureInfo.InvariantCulture) + "] of " + queue + ".");
        }
        Reposition(queue, offset, mustOwn: true);
    }

    /// <summary>Moves an owned queue to its first stored message (GET_MIN_OFFSET).</summary>
    public async Task SeekToBeginAsync(MessageQueue queue, CancellationToken cancellationToken = default)
    {
        EnsureOwned(queue);
        await EnsureRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        Reposition(queue, await _api.QueryMinOffsetAsync(queue, cancellationToken).ConfigureAwait(false), mustOwn: true);
    }

    /// <summary>Moves an owned queue past its last message (GET_MAX_OFFSET): only new messages follow.</summary>
    public async Task SeekToEndAsync(MessageQueue queue, CancellationToken cancellationToken = default)
    {
        EnsureOwned(queue);
        await EnsureRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        Reposition(queue, await _api.QueryMaxOffsetAsync(queue, cancellationToken).ConfigureAwait(false), mustOwn: true);
    }

    /// <summary>Moves an owned queue to the first message stored at or after <paramref name="timestamp"/> (SEARCH_OFFSET_BY_TIMESTAMP).</summary>
    public async Task SeekToTimestampAsync(MessageQueue queue, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        EnsureOwned(queue);
        await EnsureRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
        Reposition(queue, await _api.SearchOffsetAsync(queue, timestamp, cancellationToken).ConfigureAwait(false), mustOwn: true);
    }

    // Offset requests go to the queue's broker: its address comes from the topic's route.
    private async ValueTask EnsureRouteAsync(string topic, CancellationToken cancellationToken)
    {
        if (_client.CachedRoute(topic) is null)
        {
            _client.TrackTopic(topic);
            _ = await _client.UpdateRouteAsync(topic, cancellationToken).ConfigureAwait(false) ?? throw ClientErrors.NoRoute(topic);
        }
    }

    private void EnsureOwned(MessageQueue queue)
    {
        ThrowIfNotRunning();
        ArgumentNullException.ThrowIfNull(queue);
        if (!_queues.ContainsKey(queue))
        {
            throw new InvalidOperationException("The queue " + queue + " is not assigned to this consumer.");
        }
    }

    // A fresh ProcessQueue at offset replaces the queue's current one; batches of the old one are dropped when read.
    private void Reposition(MessageQueue queue, long offset, bool mustOwn)
    {
        ProcessQueue? old;
        lock (_gate)
        {
            if (!_queues.TryGetValue(queue, out old))
            {
                if (mustOwn)
                {
                    throw new InvalidOperationException("The queue " + queue + " is no longer assigned to this consumer.");
                }
                return;
            }
            AttachQueue(queue, offset);
        }
        old.Stop.Cancel();
    }

    private async Task BackgroundCommitAsync()
    {
        try
        {
            await CommitCoreAsync(waitForAck: false, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqClientException or OperationCanceledException or ObjectDisposedException)
        {
            _client.Logger.OffsetCommitFailed(ex, Options.ConsumerGroup);
        }
        finally
        {
            Volatile.Write(ref _autoCommitRunning, 0);
        }
    }

    // Auto-commit runs when the application asks for messages (so it has finished the earlier ones) and the interval passed.
    private void MaybeAutoCommit()
    {
        if (!Options.AutoCommit)
        {
            return;
        }
        long now = _client.Time.GetTimestamp();
        if (now < Volatile.Read(ref _nextAutoCommit))
        {
            return;
        }
        Volatile.Write(ref _nextAutoCommit, now + AutoCommitTicks);
        if (Interlocked.Exchange(ref _autoCommitRunning, 1) == 0)
        {
            _ = BackgroundCommitAsync();
        }
    }

    private async Task CommitCoreAsync(bool waitForAck, CancellationToken cancellationToken)
    {
        foreach (MessageQueue queue in _queues.Keys)
        {
            if (!_consumed.TryGetValue(queue, out long offset) || (_committed.TryGetValue(queue, out long done) && done == offset))
            {
                continue;
            }
            if (!await _api.UpdateCommittedOffsetAsync(queue, offset, waitForAck, cancellationToken).ConfigureAwait(false))
            {
                MqClientException error = ClientErrors.BrokerNotFound(queue.BrokerName);
                if (waitForAck)
                {
                    throw error;
                }
                _client.Logger.OffsetCommitFailed(error, Options.ConsumerGroup);
                continue;
            }
            lock (_gate)
            {
                if (_queues.ContainsKey(queue))
                {
                    _committed[queue] = offset;
                }
            }
        }
    }
}
