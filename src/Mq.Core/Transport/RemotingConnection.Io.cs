using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Mq.Protocol;

namespace Mq.Transport;

/// <summary>The receive loop, the combining writer and closing.</summary>
internal sealed partial class RemotingConnection
{
    private async Task ReceiveLoopAsync()
    {
        string? badFrame = null;
        try
        {
            while (true)
            {
                ReadResult result = await _input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break; // StopReceiving or transport abort
                }
                ReadOnlySequence<byte> buffer = result.Buffer;
                // Responses produced inline while this batch is dispatched are queued and flushed
                // together afterwards: one socket send per read instead of one per response.
                _batchingThread = Environment.CurrentManagedThreadId;
                try
                {
                    while (!_stopReceiving)
                    {
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
                }
                if (!_sendQueue.IsEmpty && Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
                {
                    Drain();
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || _stopReceiving)
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
        _partialFrame = ArrayPool<byte>.Shared.Rent(total);
        _partialTotal = total;
        int available = (int)Math.Min(buffer.Length - 4, total);
        buffer.Slice(4, available).CopyTo(_partialFrame);
        _partialFilled = available;
        buffer = buffer.Slice(4 + available);
    }

    /// <summary>Copies more of the large frame; dispatches it and returns true once complete.</summary>
    private bool ContinuePartialFrame(ref ReadOnlySequence<byte> buffer)
    {
        byte[] frame = _partialFrame!;
        int take = (int)Math.Min(buffer.Length, _partialTotal - _partialFilled);
        buffer.Slice(0, take).CopyTo(frame.AsSpan(_partialFilled));
        _partialFilled += take;
        buffer = buffer.Slice(take);
        if (_partialFilled < _partialTotal)
        {
            return false;
        }
        _partialFrame = null; // the command owns it from here
        var command = new RemotingCommand();
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
            if (pending.TrySetResult(command))
            {
                return;
            }
        }
        else
        {
            _peer.Logger.UnmatchedResponse(command.Opaque, RemoteAddress);
        }
        command.Dispose();
    }

    /// <summary>Writes every queued frame, flushes once, repeats while more arrive; holds the writer flag.</summary>
    private void Drain()
    {
        while (true)
        {
            bool wrote = false;
            while (_sendQueue.TryDequeue(out RemotingCommand? command))
            {
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
                    _ = DrainAfterFlushAsync(flush);
                    return;
                }
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
            Volatile.Write(ref _writing, 0);
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
        Drain();
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
        foreach (KeyValuePair<int, PendingRequest> entry in _pending)
        {
            Fail(entry.Value, closed);
        }
        _closedSource.Cancel();
        _peer.OnConnectionClosed(this);
        _closedTask.TrySetResult();
    }
}
