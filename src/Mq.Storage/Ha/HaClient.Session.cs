using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mq.Storage.Ha;

public sealed partial class HaClient
{
    /// <summary>One connection's life; returns whether any data was applied (resets the back-off).</summary>
    private async Task<bool> SessionAsync(string address, CancellationToken cancellationToken)
    {
        TryParse(address, out var endPoint);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        using var closeOnCancel = cancellationToken.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket);
        _connected = true;
        Volatile.Write(ref _lastReceive, _time.GetTimestamp());
        HaLog.ClientConnected(_logger, address, _sink.CommitLogMaxOffset);
        await ReportAsync(socket, _reportBuffer, cancellationToken).ConfigureAwait(false);

        using var sessionEnd = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var heartbeat = HeartbeatLoopAsync(socket, address, sessionEnd);
        try
        {
            return await ReceiveLoopAsync(socket, address, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await sessionEnd.CancelAsync().ConfigureAwait(false);
            socket.Dispose();
            try
            {
                await heartbeat.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The session is over.
            }
        }
    }

    private async Task<bool> ReceiveLoopAsync(Socket socket, string address, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1024 * 1024, 2 * (FrameHeaderLength + _options.TransferBatchSize)));
        bool progressed = false;
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // A frame larger than the buffer (a master with a bigger batch size): grow to fit it.
                    int size = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(8));
                    var bigger = ArrayPool<byte>.Shared.Rent(FrameHeaderLength + size);
                    buffer.AsSpan(0, filled).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int n = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    HaLog.ClientDisconnected(_logger, address, "closed by the master");
                    return progressed;
                }
                Volatile.Write(ref _lastReceive, _time.GetTimestamp());
                filled += n;
                int consumed = 0;
                bool applied = false;
                // Each frame's payload goes from the receive buffer straight into the commit log: sliding the
                // payloads of a receive together first (to append them as one run) copied almost every byte
                // twice, while a store append per 32 KiB frame costs a lock and a signal.
                while (filled - consumed >= FrameHeaderLength)
                {
                    var frame = buffer.AsSpan(consumed, filled - consumed);
                    long masterOffset = BinaryPrimitives.ReadInt64BigEndian(frame);
                    int size = BinaryPrimitives.ReadInt32BigEndian(frame[8..]);
                    if (size < 0 || size > MaxFrameSize)
                    {
                        throw new IOException($"HA frame with invalid size {size} at master offset {masterOffset}.");
                    }
                    if (frame.Length < FrameHeaderLength + size)
                    {
                        break;
                    }
                    if (size > 0)
                    {
                        if (!Apply(address, masterOffset, frame.Slice(FrameHeaderLength, size)))
                        {
                            return progressed;
                        }
                        applied = true;
                    }
                    consumed += FrameHeaderLength + size;
                }
                if (consumed > 0)
                {
                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    filled -= consumed;
                }
                // While more frames are already queued (catch-up) the report waits for the batch after
                // them: one report per drained burst instead of one per 32 KiB, and the periodic report
                // still goes out if the burst lasts.
                if (applied && socket.Available < FrameHeaderLength)
                {
                    progressed = true;
                    await ReportAsync(socket, _reportBuffer, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Apply(string address, long masterOffset, ReadOnlySpan<byte> data)
    {
        long local = _sink.CommitLogMaxOffset;
        // RocketMQ's HAClient lets an empty slave (offset 0) take any start offset; the sink accepts a
        // segment-aligned start on an empty log for the same reason.
        if (masterOffset != local && local != 0)
        {
            Interlocked.Increment(ref _mismatches);
            HaLog.OffsetMismatch(_logger, address, masterOffset, local);
            return false;
        }
        try
        {
            _sink.AppendReplicated(masterOffset, data);
            return true;
        }
        catch (InvalidOperationException ex)
        {
            Interlocked.Increment(ref _mismatches);
            HaLog.AppendFailed(_logger, masterOffset, address, ex);
            return false;
        }
    }

    private async ValueTask ReportAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            BinaryPrimitives.WriteInt64BigEndian(buffer, _sink.CommitLogMaxOffset);
            int sent = 0;
            while (sent < 8)
            {
                sent += await socket.SendAsync(buffer.AsMemory(sent, 8 - sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            Volatile.Write(ref _lastReport, _time.GetTimestamp());
        }
        finally
        {
            _sendLock.Release();
        }
    }

    // Reports every haSendHeartbeatInterval and drops a master silent for haHousekeepingInterval.
    private async Task HeartbeatLoopAsync(Socket socket, string address, CancellationTokenSource session)
    {
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, _options.SendHeartbeatInterval.Ticks / 4));
        using var timer = new PeriodicTimer(tick, _time);
        var token = session.Token;
        while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
        {
            if (_time.GetElapsedTime(Volatile.Read(ref _lastReceive)) > _options.HousekeepingInterval)
            {
                HaLog.ClientDisconnected(_logger, address, $"nothing from the master for {_options.HousekeepingInterval}");
                socket.Dispose();
                return;
            }
            if (_time.GetElapsedTime(Volatile.Read(ref _lastReport)) >= _options.SendHeartbeatInterval)
            {
                try
                {
                    await ReportAsync(socket, _heartbeatBuffer, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    socket.Dispose();
                    return;
                }
            }
        }
    }
}
