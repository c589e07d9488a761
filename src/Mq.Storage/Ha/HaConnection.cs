using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Mq.Storage.Abstractions;

namespace Mq.Storage.Ha;

/// <summary>
/// One slave on the master (RocketMQ <c>HAConnection</c>): a read loop consuming 8-byte offset reports and
/// a write loop streaming <c>[int64 offset][int32 size][bytes]</c> frames from the offset the first report fixed.
/// </summary>
internal sealed class HaConnection : IAsyncDisposable
{
    private const int FrameHeaderLength = 12;

    /// <summary>Bytes of frames gathered into one socket write while a slave is behind.</summary>
    private const int CoalesceBytes = 256 * 1024;

    private readonly Socket _socket;
    private readonly IReplicationSource _source;
    private readonly HaOptions _options;
    private readonly ReplicationAckTracker _tracker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _remote;
    private readonly StrongBox<long> _refused;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<long> _firstReport = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private string _closeReason = "closed by the slave";
    private int _disposed;

    public HaConnection(Socket socket, IReplicationSource source, HaOptions options, ReplicationAckTracker tracker, StrongBox<long> refused, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _source = source;
        _options = options;
        _tracker = tracker;
        _refused = refused;
        _time = time;
        _logger = logger;
        _remote = socket.RemoteEndPoint?.ToString() ?? "?";
    }

    public Task RunAsync(CancellationToken stopping)
    {
        _run = RunCoreAsync(stopping);
        return _run;
    }

    private async Task RunCoreAsync(CancellationToken stopping)
    {
        using var link = stopping.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        _tracker.SlaveConnected();
        HaLog.SlaveConnected(_logger, _remote);
        try
        {
            var read = ReadLoopAsync();
            var write = WriteLoopAsync();
            await Task.WhenAny(read, write).ConfigureAwait(false);
            await _cts.CancelAsync().ConfigureAwait(false);
            _socket.Dispose();
            await Task.WhenAll(Quiet(read), Quiet(write)).ConfigureAwait(false);
        }
        finally
        {
            _tracker.SlaveDisconnected();
            HaLog.SlaveDisconnected(_logger, _remote, _closeReason);
        }
    }

    private async Task Quiet(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The other loop (or shutdown) closed the socket under this one.
        }
        catch (Exception ex)
        {
            HaLog.ConnectionFailed(_logger, _remote, ex);
        }
    }

    // RocketMQ HAConnection.ReadSocketService: the stream is 8-byte reports; the last complete one wins.
    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1024];
        int filled = 0;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        var idleCts = idle;
        while (true)
        {
            if (!idleCts.TryReset())
            {
                Close($"no report for {_options.HousekeepingInterval}");
                return;
            }
            idleCts.CancelAfter(_options.HousekeepingInterval);
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, idleCts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_cts.IsCancellationRequested)
            {
                Close($"no report for {_options.HousekeepingInterval}");
                return;
            }
            if (n == 0)
            {
                return;
            }
            filled += n;
            int complete = filled - (filled % 8);
            if (complete == 0)
            {
                continue;
            }
            long reported = BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(complete - 8));
            buffer.AsSpan(complete, filled - complete).CopyTo(buffer);
            filled -= complete;
            if (!_firstReport.Task.IsCompleted)
            {
                long min = _source.CommitLogMinOffset;
                long max = _source.CommitLogMaxOffset;
                // A slave holding bytes the master does not have (a master restarted with a shorter log) or
                // wanting bytes already deleted cannot be continued without corrupting it: refuse it loudly.
                if (reported > max || (reported != 0 && reported < min))
                {
                    HaLog.SlaveDiverged(_logger, _remote, reported, min, max);
                    Interlocked.Increment(ref _refused.Value);
                    Close("diverged");
                    return;
                }
                _firstReport.TrySetResult(reported);
            }
            _tracker.Report(reported);
        }
    }

    // RocketMQ HAConnection.WriteSocketService.
    private async Task WriteLoopAsync()
    {
        long requested = await _firstReport.Task.WaitAsync(_cts.Token).ConfigureAwait(false);
        // Deliberate deviation: RocketMQ starts an empty slave at the master's last segment; here it gets
        // everything the master still holds, so an empty slave ends byte-identical to the master.
        long next = requested == 0 ? _source.CommitLogMinOffset : requested;
        HaLog.TransferStarted(_logger, _remote, requested, next);
        // Catch-up coalesces several frames (each at most haTransferBatchSize, never crossing a segment end,
        // so any RocketMQ slave can read them) into one socket write: one syscall per ~256 KiB, not per frame.
        int frameRoom = FrameHeaderLength + _options.TransferBatchSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(frameRoom, CoalesceBytes));
        var idle = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
        try
        {
            long lastWrite = _time.GetTimestamp();
            while (!_cts.IsCancellationRequested)
            {
                long max = _source.CommitLogMaxOffset;
                if (next < max)
                {
                    int filled = 0;
                    while (next < max && buffer.Length - filled >= frameRoom)
                    {
                        int want = (int)Math.Min(_options.TransferBatchSize, max - next);
                        int read = _source.ReadCommitted(next, buffer.AsSpan(filled + FrameHeaderLength, want));
                        if (read == 0)
                        {
                            break;
                        }
                        WriteHeader(buffer.AsSpan(filled), next, read);
                        filled += FrameHeaderLength + read;
                        next += read;
                    }
                    if (filled == 0)
                    {
                        Close($"commit log has no data at {next} (deleted by retention?)");
                        return;
                    }
                    await SendAsync(buffer, filled).ConfigureAwait(false);
                    lastWrite = _time.GetTimestamp();
                    continue;
                }
                TimeSpan untilHeartbeat = _options.SendHeartbeatInterval - _time.GetElapsedTime(lastWrite);
                if (untilHeartbeat <= TimeSpan.Zero)
                {
                    WriteHeader(buffer, next, 0);
                    await SendAsync(buffer, FrameHeaderLength).ConfigureAwait(false);
                    lastWrite = _time.GetTimestamp();
                    continue;
                }
                if (!idle.TryReset())
                {
                    idle.Dispose();
                    idle = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token);
                }
                idle.CancelAfter(untilHeartbeat);
                try
                {
                    await _source.WaitForMaxOffsetAsync(next + 1, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_cts.IsCancellationRequested)
                {
                    // Idle: loop round to the heartbeat.
                }
            }
        }
        finally
        {
            idle.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void WriteHeader(Span<byte> frame, long offset, int size)
    {
        BinaryPrimitives.WriteInt64BigEndian(frame, offset);
        BinaryPrimitives.WriteInt32BigEndian(frame[8..], size);
    }

    private async ValueTask SendAsync(byte[] buffer, int total)
    {
        int sent = 0;
        while (sent < total)
        {
            sent += await _socket.SendAsync(buffer.AsMemory(sent, total - sent), SocketFlags.None, _cts.Token).ConfigureAwait(false);
        }
    }

    private void Close(string reason)
    {
        _closeReason = reason;
        _cts.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _closeReason = "master shutting down";
        await _cts.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await Quiet(_run).ConfigureAwait(false);
        _cts.Dispose();
    }
}
