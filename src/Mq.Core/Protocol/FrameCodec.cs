using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace Mq.Protocol;

/// <summary>
/// The remoting frame (RocketMQ <c>NettyDecoder</c>/<c>NettyEncoder</c>, <c>RemotingCommand.encode/decode</c>):
/// int32 total length (not counting itself), int32 header word (serialize type in the high byte, header
/// length in the low 24 bits), header, body. All big-endian.
/// </summary>
internal static class FrameCodec
{
    /// <summary>Java's default <c>frameMaxLength</c>: 16 MiB including the length prefix.</summary>
    public const int DefaultMaxFrameLength = 16 * 1024 * 1024;

    /// <summary>
    /// Tries to take one frame off the front of <paramref name="buffer"/> and decode it into
    /// <paramref name="command"/> (reset first). Returns false when more bytes are needed; throws
    /// <see cref="RemotingProtocolException"/> for a negative, oversized or malformed frame.
    /// On success <paramref name="buffer"/> is advanced past the frame.
    /// </summary>
    public static bool TryParse(ref ReadOnlySequence<byte> buffer, RemotingCommand command, int maxFrameLength = DefaultMaxFrameLength, Utf8StringCache? cache = null)
    {
        if (!TryReadLength(buffer, maxFrameLength, out int total) || buffer.Length - 4 < total)
        {
            return false;
        }
        command.Reset();
        byte[] frame = ArrayPool<byte>.Shared.Rent(total);
        buffer.Slice(4, total).CopyTo(frame);
        DecodeRented(frame, total, command, cache);
        buffer = buffer.Slice(4 + total);
        return true;
    }

    /// <summary>Like the other overload, creating the command (only when a whole frame is there).</summary>
    public static bool TryParse(ref ReadOnlySequence<byte> buffer, out RemotingCommand? command, int maxFrameLength = DefaultMaxFrameLength, Utf8StringCache? cache = null)
    {
        command = null;
        if (!TryReadLength(buffer, maxFrameLength, out int total) || buffer.Length - 4 < total)
        {
            return false;
        }
        var candidate = RemotingCommand.Rent();
        try
        {
            TryParse(ref buffer, candidate, maxFrameLength, cache);
        }
        catch
        {
            candidate.Dispose();
            throw;
        }
        command = candidate;
        return true;
    }

    /// <summary>
    /// Reads and validates the total-length prefix (the bytes after it). False when fewer than 4 bytes
    /// are buffered; throws <see cref="RemotingProtocolException"/> for a negative or oversized length.
    /// </summary>
    public static bool TryReadLength(in ReadOnlySequence<byte> buffer, int maxFrameLength, out int total)
    {
        if (buffer.Length < 4)
        {
            total = 0;
            return false;
        }
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= 4)
        {
            total = BinaryPrimitives.ReadInt32BigEndian(first);
        }
        else
        {
            var reader = new SequenceReader<byte>(buffer);
            reader.TryReadBigEndian(out total);
        }
        if (total < 4)
        {
            throw new RemotingProtocolException("frame length " + total.ToString(CultureInfo.InvariantCulture) + " is negative or smaller than the header-length word");
        }
        if ((long)total + 4 > maxFrameLength)
        {
            throw new RemotingProtocolException("frame length " + total.ToString(CultureInfo.InvariantCulture) + " exceeds the maximum frame size " + maxFrameLength.ToString(CultureInfo.InvariantCulture));
        }
        return true;
    }

    /// <summary>
    /// Decodes a frame already assembled in a buffer rented from <see cref="ArrayPool{T}.Shared"/>
    /// (the bytes after the length prefix); <paramref name="command"/> takes ownership of it.
    /// </summary>
    public static void DecodeRented(byte[] frame, int total, RemotingCommand command, Utf8StringCache? cache)
    {
        command.Reset();
        command.AttachFrame(frame, cache);
        Decode(frame, total, command, cache);
    }

    private static void Decode(byte[] frame, int total, RemotingCommand command, Utf8StringCache? cache)
    {
        try
        {
            int word = BinaryPrimitives.ReadInt32BigEndian(frame);
            int type = (word >> 24) & 0xFF;
            int headerLength = word & 0xFFFFFF;
            if (headerLength > total - 4)
            {
                throw new RemotingProtocolException("header length " + headerLength.ToString(CultureInfo.InvariantCulture) + " exceeds the frame length " + total.ToString(CultureInfo.InvariantCulture));
            }
            switch (type)
            {
                case (int)SerializeType.Json:
                    JsonHeaderReader.Read(frame, 4, headerLength, command, cache);
                    break;
                case (int)SerializeType.RocketMq:
                    BinaryHeaderCodec.Read(frame, 4, headerLength, command, cache);
                    break;
                default:
                    throw new RemotingProtocolException("unknown serialize type " + type.ToString(CultureInfo.InvariantCulture));
            }
            command.SetFrameBody(4 + headerLength, total - 4 - headerLength);
        }
        catch
        {
            command.Reset();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="command"/> as one frame: lengths are measured first, then the prefix and
    /// header go into one span and the body is copied after it. No intermediate arrays beyond a rented
    /// scratch for a remark.
    /// </summary>
    public static void Write(RemotingCommand command, IBufferWriter<byte> writer)
    {
        byte[]? remarkBuffer = JsonHeaderWriter.RentRemark(command.Remark, out int remarkLength);
        try
        {
            ReadOnlySpan<byte> remark = remarkBuffer is null ? default : remarkBuffer.AsSpan(0, remarkLength);
            SerializeType type = command.SerializeType;
            int headerLength = type == SerializeType.RocketMq
                ? BinaryHeaderCodec.Measure(command, remarkLength)
                : JsonHeaderWriter.Measure(command, remark);
            if (headerLength > 0xFFFFFF)
            {
                throw new RemotingProtocolException("header of " + headerLength.ToString(CultureInfo.InvariantCulture) + " bytes exceeds 24 bits");
            }
            long total = 4L + headerLength + command.BodyLength;
            if (total > int.MaxValue - 4)
            {
                throw new RemotingProtocolException("frame too large");
            }
            Span<byte> span = writer.GetSpan(8 + headerLength);
            BinaryPrimitives.WriteInt32BigEndian(span, (int)total);
            BinaryPrimitives.WriteInt32BigEndian(span[4..], ((int)type << 24) | headerLength);
            Span<byte> header = span.Slice(8, headerLength);
            int written = type == SerializeType.RocketMq
                ? BinaryHeaderCodec.Write(command, remark, header)
                : JsonHeaderWriter.Write(command, remark, header);
            System.Diagnostics.Debug.Assert(written == headerLength, "measured and written header lengths differ");
            writer.Advance(8 + headerLength);
            if (command.BodySegments is { } segments)
            {
                for (int i = 0; i < segments.Count; i++)
                {
                    WriteBody(segments[i].Span, writer);
                }
            }
            else
            {
                WriteBody(command.Body.Span, writer);
            }
        }
        finally
        {
            if (remarkBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(remarkBuffer);
            }
        }
    }

    private static void WriteBody(ReadOnlySpan<byte> rest, IBufferWriter<byte> writer)
    {
        while (!rest.IsEmpty)
        {
            Span<byte> target = writer.GetSpan(Math.Min(rest.Length, 64 * 1024));
            int n = Math.Min(target.Length, rest.Length);
            rest[..n].CopyTo(target);
            writer.Advance(n);
            rest = rest[n..];
        }
    }

    /// <summary>Exact size of <paramref name="command"/>'s frame, including the length prefix.</summary>
    public static int MeasureFrame(RemotingCommand command)
    {
        byte[]? remarkBuffer = JsonHeaderWriter.RentRemark(command.Remark, out int remarkLength);
        try
        {
            ReadOnlySpan<byte> remark = remarkBuffer is null ? default : remarkBuffer.AsSpan(0, remarkLength);
            int header = command.SerializeType == SerializeType.RocketMq
                ? BinaryHeaderCodec.Measure(command, remarkLength)
                : JsonHeaderWriter.Measure(command, remark);
            return 8 + header + command.BodyLength;
        }
        finally
        {
            if (remarkBuffer is not null)
            {
                ArrayPool<byte>.Shared.Return(remarkBuffer);
            }
        }
    }
}
