using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>The receive loop, the combining writer and closing.</summary>
internal sealed partial class RemotingConnection
{
    private const int PartialFrameInitialSize = 64 * 1024;

    private async Task ReceiveLoopAsync()
    {
        string? badFrame = null;
        try
        {
            while (true)
            {
                if (_pauseReadsWhenWriteBlocked && IsWriteBlocked)
                {
                    // Back-pressure: the peer is not reading its answers; read no more requests until they leave.
                    await WaitWritableAsync().ConfigureAwait(false);
                    if (_closing)
                    {
                        break;
                    }
                }
                ReadResult result = await _input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break; // StopReceiving or transport abort
                }
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool paused = false;
                // Responses produced inline while this batch is dispatched are queued and flushed
                // together afterwards: one socket send per read instead of one per response.
                _batchingThread = Environment.CurrentManagedThreadId;
                try
                {
                    while (!_stopReceiving)
                    {
                        if (_pauseReadsWhenWriteBlocked && IsWriteBlocked)
                        {
                            paused = true;
                            break;
                        }
                        if (_partialFrame is not null)
                        {
                            if (!ContinuePartialFrame(ref buffer))
                            {
                                break;
                            }
                        }
                        else if (FrameCodec.TryParse(ref buffer, out RemotingCommand? command, _maxFrameLength, _peer.StringCache))
                        {
                            Dispatch(command!);
                        }
                        else if (FrameCodec.TryReadLength(buffer, _maxFrameLength, out int total) && total > _assembleThreshold)
                        {
                            StartPartialFrame(ref buffer, total);
                        }
                        else
                        {
                            break;
                        }
                    }
                }
                catch (RemotingProtocolException ex)
                {
                    badFrame = ex.Message;
                    break;
                }
                finally
                {
                    _batchingThread = 0;
                    CompleteResponses();
                }
                FlushQueued();
                if (paused)
                {
                    _input.AdvanceTo(buffer.Start); // the frames left are read again once answers drain
                }
                else
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }
                if ((result.IsCompleted && !paused) || _stopReceiving)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The transport failed or was aborted: the connection is gone.
        }
        catch (Exception ex)
        {
            // A defect, not input: still close only this connection, and say why.
            badFrame = "internal error: " + ex.Message;
        }
        finally
        {
            if (_partialFrame is not null)
            {
                ArrayPool<byte>.Shared.Return(_partialFrame);
                _partialFrame = null;
            }
            await _input.CompleteAsync().ConfigureAwait(false);
        }
        if (badFrame is not null)
        {
            _peer.Logger.BadFrame(Id, RemoteAddress, badFrame);
            Abort();
        }
        else if (!_stopReceiving)
        {
            _ = CloseAsync();
        }
    }

    /// <summary>
    /// A frame larger than half the read buffer is copied into its own pooled buffer as it arrives,
    /// instead of piling up in pipe segments and being copied once more when complete: the pipe then
    /// holds at most the read-buffer threshold per connection, whatever the frame size.
    /// </summary>
    private void StartPartialFrame(ref ReadOnlySequence<byte> buffer, int total)
    {
        int available = (int)Math.Min(buffer.Length - 4, total);
        // The buffer grows with the bytes that actually arrive (as Netty's cumulation does), so a peer
        // claiming a 16 MiB frame and sending a few bytes costs a few bytes, not 16 MiB per connection.
        _partialFrame = ArrayPool<byte>.Shared.Rent(Math.Min(total, Math.Max(available, PartialFrameInitialSize)));
        _partialTotal = total;
        buffer.Slice(4, available).CopyTo(_partialFrame);
        _partialFilled = available;
        buffer = buffer.Slice(4 + available);
    }

    /// <summary>Copies more of the large frame; dispatches it and returns true once complete.</summary>
    private bool ContinuePartialFrame(ref ReadOnlySequence<byte> buffer)
    {
        int take = (int)Math.Min(buffer.Length, _partialTotal - _partialFilled);
        if (_partialFilled + take > _partialFrame!.Length)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(_partialTotal, Math.Max(2L * _partialFrame.Length, _partialFilled + take)));
            _partialFrame.AsSpan(0, _partialFilled).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_partialFrame);
            _partialFrame = larger;
        }
        byte[] frame = _partialFrame;
        buffer.Slice(0, take).CopyTo(frame.AsSpan(_partialFilled));
        _partialFilled += take;
        buffer = buffer.Slice(take);
        if (_partialFilled < _partialTotal)
        {
            return false;
        }
        _partialFrame = null; // the command owns it from here
        var command = RemotingCommand.Rent();
        try
        {
            FrameCodec.DecodeRented(frame, _partialTotal, command, _peer.StringCache);
        }
        catch
        {
            command.Dispose();
            throw;
        }
        Dispatch(command);
        return true;
    }

    private void Dispatch(RemotingCommand command)
    {
        if (!command.IsResponse)
        {
            _peer.OnRequest(this, command);
            return;
        }
        if (_pending.TryRemove(command.Opaque, out PendingRequest? pending))
        {
            pending.Registration.Unregister();
            (_responses ??= RentResponseBatch()).Add(pending, command);
            return;
        }
        else
        {
            _peer.Logger.UnmatchedResponse(command.Opaque, RemoteAddress);
        }
        command.Dispose();
    }

    /// <summary>Hands the responses of this read to a pool thread (see <see cref="ResponseBatch"/>).</summary>
    private void CompleteResponses()
    {
        ResponseBatch? batch = _responses;
        if (batch is not null)
        {
            _responses = null;
            lock (_runningBatches)
            {
                _runningBatches.Add(batch);
            }
            batch.Start();
        }
    }

    private ResponseBatch RentResponseBatch() => SpareSlots.TryTake(_spareResponses) ?? new ResponseBatch(this);

    /// <summary>A batch has completed every response: write what its continuations sent; keep it for the next read.</summary>
    internal void OnResponseBatchDone(ResponseBatch batch)
    {
        bool reusable;
        lock (_runningBatches)
        {
            _runningBatches.Remove(batch);
            reusable = batch.Recycle();
        }
        if (reusable)
        {
            SpareSlots.Return(_spareResponses, batch);
        }
        FlushQueued();
    }

    /// <summary>The scan's part: a batch whose continuation blocks gets another thread for the rest.</summary>
    private void RescueStalledBatches()
    {
        lock (_runningBatches)
        {
            if (_runningBatches.Count == 0)
            {
                return;
            }
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            foreach (ResponseBatch batch in _runningBatches)
            {
                if (batch.RescueIfStalled(now))
                {
                    _peer.Logger.ResponseBatchStalled(RemoteAddress, ResponseBatch.StallMilliseconds);
                }
            }
        }
    }

    /// <summary>Writes queued frames unless a writer is already at it.</summary>
    internal void FlushQueued()
    {
        if (!_sendQueue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            Drain();
        }
    }

    /// <summary>Writes every queued frame, flushes once, repeats while more arrive; holds the writer flag.</summary>
    private void Drain()
    {
        while (true)
        {
            bool wrote = false;
            while (_sendQueue.TryDequeue(out RemotingCommand? command))
            {
                Interlocked.Add(ref _queuedBytes, -QueueWeight(command));
                if (!_outputCompleted)
                {
                    try
                    {
                        FrameCodec.Write(command, _output);
                        wrote = true;
                    }
                    catch (Exception ex) when (ex is RemotingProtocolException or InvalidOperationException or IOException)
                    {
                        _peer.Logger.WriteFailed(ex, command.Code, RemoteAddress);
                        if (!command.IsResponse)
                        {
                            FailOpaque(command.Opaque, new RemotingSendException("cannot write request to " + RemoteAddress + ": " + ex.Message, RemoteAddress, ex));
                        }
                    }
                }
                command.Dispose();
            }
            if (wrote)
            {
                ValueTask<FlushResult> flush;
                try
                {
                    flush = _output.FlushAsync();
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException)
                {
                    flush = ValueTask.FromException<FlushResult>(ex); // handled like an asynchronous failure
                }
                if (!flush.IsCompletedSuccessfully)
                {
                    _flushPending = true;
                    _ = DrainAfterFlushAsync(flush);
                    return;
                }
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                if (flush.Result.IsCompleted || flush.Result.IsCanceled)
                {
                    _closing = true; // the transport is gone
                }
            }
            if (_closing)
            {
                CompleteOutput(); // keeps the writer flag for good
                return;
            }
            // A full fence, not a release: the queue is read below, and a plain store could still be buffered while
            // that read misses a frame whose sender then sees the flag still taken, leaving the frame for the scan.
            Interlocked.Exchange(ref _writing, 0);
            SignalWritable();
            if ((_sendQueue.IsEmpty && !_closing) || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task DrainAfterFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            FlushResult result = await flush.ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                _closing = true;
            }
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
        {
            _closing = true;
        }
        _flushPending = false;
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        Drain();
    }

    /// <summary>The queue weight of a frame: its body plus a typical header (exact sizes would cost a measure per send).</summary>
    private static long QueueWeight(RemotingCommand command) => command.BodyLength + 128L;

    /// <summary>Completes when answers drained below the low water mark (or the connection closes).</summary>
    private Task WaitWritableAsync()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _writableWaiter, waiter);
        SignalWritable(); // the writer may have drained between the check and the publication
        return waiter.Task;
    }

    private void SignalWritable()
    {
        if (Volatile.Read(ref _writableWaiter) is not null && CanResumeReading)
        {
            Interlocked.Exchange(ref _writableWaiter, null)?.TrySetResult();
        }
    }

    private void CompleteOutput()
    {
        if (!_outputCompleted)
        {
            _outputCompleted = true;
            _output.Complete();
        }
        DiscardQueue();
        if (Volatile.Read(ref _closeStarted) == 0)
        {
            _ = CloseAsync();
        }
    }

    private void DiscardQueue()
    {
        while (_sendQueue.TryDequeue(out RemotingCommand? command))
        {
            Interlocked.Add(ref _queuedBytes, -QueueWeight(command));
            if (!command.IsResponse)
            {
                FailOpaque(command.Opaque, new RemotingSendException("connection to " + RemoteAddress + " closed before the request was sent", RemoteAddress));
            }
            command.Dispose();
        }
    }

    private async Task CloseCoreAsync()
    {
        _closing = true;
        SignalWritable();
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            CompleteOutput();
        }
        try
        {
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            _peer.Logger.ConnectionError(ex, Id);
        }
        var closed = new RemotingSendException("connection to " + RemoteAddress + " closed before the response arrived", RemoteAddress);
        foreach (PendingRequest pending in _pending.RemoveAll())
        {
            pending.FailLater(closed);
        }
        SignalWritable(); // a receive loop paused by back-pressure ends
        _closedSource.Cancel();
        _peer.OnConnectionClosed(this);
        _closedTask.TrySetResult();
    }
}
