using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mq.Protocol;

namespace Mq.Tests.Fuzz;

/// <summary>Totals of a fuzz run, shared by the workers.</summary>
internal sealed class FuzzStats
{
    public readonly long[] FramesByKind = new long[(int)FuzzKind.RandomStream + 1];
    public long PipelinedConnections;
    public long KillerConnections;
    public long ResponsesReceived;
    public long AnswerableRequests;
    public long ServerRequests;
    public long BytesSent;
    public readonly ConcurrentQueue<string> Failures = new();

    public long Frames
    {
        get
        {
            long total = 0;
            for (int i = 0; i < FramesByKind.Length; i++)
            {
                total += Interlocked.Read(ref FramesByKind[i]);
            }
            return total;
        }
    }

    public void Count(FuzzKind kind) => Interlocked.Increment(ref FramesByKind[(int)kind]);

    public void Fail(string failure)
    {
        if (Failures.Count < 50)
        {
            Failures.Enqueue(failure);
        }
    }
}

/// <summary>Raw-socket fuzz connections: pipelined hostile frames with response accounting, and connection killers.</summary>
internal static class FuzzConnection
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Sends <paramref name="frames"/> decodable hostile frames in one pipelined write, waits until every
    /// request the server owes an answer to is answered (exactly once), then ends with either a clean
    /// close or a frame that may kill the connection; the server must close its side in the end.
    /// </summary>
    public static async Task PipelinedAsync(IPEndPoint endPoint, FrameFuzzer fuzzer, int frames, FuzzStats stats, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref stats.PipelinedConnections);
        // 0 = nothing owed, 1 = an answer is owed, 2 = may be held or unanswered (long-polling pull, unknown END_TRANSACTION type).
        byte[] owed = new byte[frames + 2];
        owed[frames + 1] = 2; // the last frame, sent after the accounting, may or may not decode
        int[] answered = new int[frames + 2];
        var writer = new ArrayBufferWriter<byte>(frames * 256);
        int owedCount = 0;
        for (int i = 1; i <= frames; i++)
        {
            FuzzKind kind = fuzzer.NextSureKind();
            (bool expects, int code) = fuzzer.Append(kind, i, writer);
            stats.Count(kind);
            if (expects)
            {
                owed[i] = code is RequestCode.PullMessage or RequestCode.EndTransaction ? (byte)2 : (byte)1;
                owedCount += owed[i] == 1 ? 1 : 0;
            }
        }
        Interlocked.Add(ref stats.AnswerableRequests, owedCount);
        var allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int remaining = owedCount;
        bool finalSent = false;
        int strayAllowed = 1;
        if (remaining == 0)
        {
            allAnswered.TrySetResult();
        }
        string label = "pipelined connection to " + endPoint;
        Task reader = ReadAsync(socket, stats, label, (opaque, isResponse) =>
        {
            if (!isResponse)
            {
                return;
            }
            Interlocked.Increment(ref stats.ResponsesReceived);
            bool known = opaque > 0 && opaque <= frames + 1 && owed[opaque] != 0;
            if (!known || ++answered[opaque] > 1)
            {
                // The mutated last frame may decode with any opaque (its digits are fair game): one stray
                // response after it is legitimate; anything else is a response nobody asked for.
                if (Volatile.Read(ref finalSent) && Interlocked.Exchange(ref strayAllowed, 0) == 1)
                {
                    return;
                }
                stats.Fail(label + (known ? ": second response for opaque " : ": response with opaque ") + opaque + (known ? "" : " that no request owed"));
                return;
            }
            else if (owed[opaque] == 1 && Interlocked.Decrement(ref remaining) == 0)
            {
                allAnswered.TrySetResult();
            }
        });
        await socket.SendAsync(writer.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref stats.BytesSent, writer.WrittenCount);
        if (await Task.WhenAny(allAnswered.Task, reader, Task.Delay(AnswerTimeout, cancellationToken)).ConfigureAwait(false) != allAnswered.Task)
        {
            var missing = new List<string>();
            for (int i = 1; i <= frames && missing.Count < 10; i++)
            {
                if (owed[i] == 1 && answered[i] == 0)
                {
                    missing.Add(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            stats.Fail(label + ": " + Volatile.Read(ref remaining) + " of " + owedCount + " owed answers missing (opaques " + string.Join(',', missing) + ")"
                + (reader.IsCompleted ? "; the server closed the connection" : ""));
        }
        writer.ResetWrittenCount();
        if (fuzzer.Random.Next(2) == 0)
        {
            FuzzKind last = fuzzer.Random.Next(2) == 0 ? FuzzKind.SeedHeaderMutated : FuzzKind.RandomHeader;
            fuzzer.Append(last, frames + 1, writer);
            stats.Count(last);
            Volatile.Write(ref finalSent, true);
            await SendQuietlyAsync(socket, writer.WrittenMemory, stats).ConfigureAwait(false);
        }
        ShutdownSend(socket);
        if (await Task.WhenAny(reader, Task.Delay(AnswerTimeout, cancellationToken)).ConfigureAwait(false) != reader)
        {
            stats.Fail(label + ": the server did not close after our side closed");
        }
    }

    /// <summary>
    /// A few decodable frames, then one frame of a connection-killing <paramref name="kind"/>. For frames
    /// that are invalid whatever follows, the server must close the connection by itself; for the others
    /// (truncated, random) our side closes and the server must follow.
    /// </summary>
    public static async Task KillerAsync(IPEndPoint endPoint, FrameFuzzer fuzzer, FuzzKind kind, FuzzStats stats, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref stats.KillerConnections);
        var writer = new ArrayBufferWriter<byte>(4096);
        int before = fuzzer.Random.Next(0, 16);
        for (int i = 1; i <= before; i++)
        {
            FuzzKind sure = fuzzer.NextSureKind();
            fuzzer.Append(sure, i, writer);
            stats.Count(sure);
        }
        fuzzer.Append(kind, before + 1, writer);
        stats.Count(kind);
        string label = kind + " connection to " + endPoint;
        Task reader = ReadAsync(socket, stats, label, static (_, isResponse) => { });
        await SendQuietlyAsync(socket, writer.WrittenMemory, stats).ConfigureAwait(false);
        bool serverMustClose = kind is FuzzKind.BadSerializeType or FuzzKind.HeaderLengthLie or FuzzKind.NegativeLength or FuzzKind.OversizedLength;
        if (!serverMustClose)
        {
            ShutdownSend(socket);
        }
        if (await Task.WhenAny(reader, Task.Delay(AnswerTimeout, cancellationToken)).ConfigureAwait(false) != reader)
        {
            stats.Fail(label + ": the server kept the connection open");
        }
    }

    private static async Task SendQuietlyAsync(Socket socket, ReadOnlyMemory<byte> bytes, FuzzStats stats)
    {
        try
        {
            await socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
            Interlocked.Add(ref stats.BytesSent, bytes.Length);
        }
        catch (SocketException)
        {
            // The server already closed on an earlier frame.
        }
    }

    private static void ShutdownSend(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // already reset by the server
        }
    }

    /// <summary>
    /// Reads frames until the server closes; every frame must be well-formed. Calls <paramref name="onFrame"/>
    /// with (opaque, isResponse) on the reading thread; server-to-client requests (callbacks) are counted.
    /// </summary>
    private static async Task ReadAsync(Socket socket, FuzzStats stats, string label, Action<int, bool> onFrame)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        int filled = 0;
        int frames = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                int received;
                try
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                }
                catch (SocketException)
                {
                    return; // reset by the server: closed
                }
                if (received == 0)
                {
                    return;
                }
                filled += received;
                int consumed = 0;
                while (filled - consumed >= 4)
                {
                    int total = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(consumed));
                    if (total < 4 || total > FrameCodec.DefaultMaxFrameLength)
                    {
                        stats.Fail(label + ": the server sent a frame of length " + total);
                        return;
                    }
                    if (filled - consumed - 4 < total)
                    {
                        break;
                    }
                    if (!TryPeek(buffer.AsSpan(consumed + 4, total), validate: (++frames & 31) == 0, out int opaque, out bool isResponse, out string? error))
                    {
                        stats.Fail(label + ": the server sent a malformed frame: " + error);
                        return;
                    }
                    if (!isResponse)
                    {
                        Interlocked.Increment(ref stats.ServerRequests);
                    }
                    onFrame(opaque, isResponse);
                    consumed += 4 + total;
                }
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads opaque and flag from a frame (after its length prefix) without decoding it all; every
    /// <paramref name="validate"/> frame is decoded fully by our codec to prove the server writes valid frames.
    /// </summary>
    private static bool TryPeek(ReadOnlySpan<byte> frame, bool validate, out int opaque, out bool isResponse, out string? error)
    {
        opaque = 0;
        isResponse = false;
        error = null;
        if (validate)
        {
            byte[] copy = new byte[frame.Length + 4];
            BinaryPrimitives.WriteInt32BigEndian(copy, frame.Length);
            frame.CopyTo(copy.AsSpan(4));
            var sequence = new ReadOnlySequence<byte>(copy);
            try
            {
                FrameCodec.TryParse(ref sequence, out RemotingCommand? command);
                command!.Dispose();
            }
            catch (RemotingProtocolException ex)
            {
                error = ex.Message;
                return false;
            }
        }
        int word = BinaryPrimitives.ReadInt32BigEndian(frame);
        int headerLength = word & 0xFFFFFF;
        ReadOnlySpan<byte> header = frame.Slice(4, Math.Min(headerLength, frame.Length - 4));
        if ((word >> 24) == (int)SerializeType.RocketMq)
        {
            if (header.Length < BinaryHeaderCodec.FixedLength)
            {
                error = "short binary header";
                return false;
            }
            opaque = BinaryPrimitives.ReadInt32BigEndian(header[5..]);
            isResponse = (BinaryPrimitives.ReadInt32BigEndian(header[9..]) & RemotingCommand.ResponseFlag) != 0;
            return true;
        }
        if (!TryJsonInt(header, "\"opaque\":"u8, out opaque) || !TryJsonInt(header, "\"flag\":"u8, out int flag))
        {
            error = "JSON header without opaque or flag: " + System.Text.Encoding.UTF8.GetString(header);
            return false;
        }
        isResponse = (flag & RemotingCommand.ResponseFlag) != 0;
        return true;
    }

    private static bool TryJsonInt(ReadOnlySpan<byte> header, ReadOnlySpan<byte> key, out int value)
    {
        value = 0;
        // Our writer orders keys as fastjson does (code, extFields, flag, language, opaque, remark...): the
        // command's own keys come after extFields, and escaped quotes inside strings cannot match.
        int at = header.LastIndexOf(key);
        return at >= 0 && System.Buffers.Text.Utf8Parser.TryParse(header[(at + key.Length)..], out value, out _);
    }
}
