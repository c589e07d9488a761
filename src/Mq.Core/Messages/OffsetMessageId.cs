using System.Buffers.Binary;

namespace Mq.Messages;

/// <summary>
/// The offset message id (§4.7; RocketMQ <c>MessageDecoder.createMessageId</c>/<c>decodeMessageId</c>):
/// upper-case hex of store address ‖ port ‖ commit-log offset; 32 chars for IPv4, 56 for IPv6.
/// </summary>
public static class OffsetMessageId
{
    /// <summary>Length of an IPv4 id.</summary>
    public const int IPv4Length = 32;

    /// <summary>Length of an IPv6 id.</summary>
    public const int IPv6Length = 56;

    /// <summary>Creates the id.</summary>
    public static string Create(MessageHost storeHost, long commitLogOffset)
    {
        Span<char> chars = stackalloc char[IPv6Length];
        int written = Write(chars, storeHost, commitLogOffset);
        return new string(chars[..written]);
    }

    /// <summary>Writes the id as chars; returns the count (32 or 56).</summary>
    public static int Write(Span<char> destination, MessageHost storeHost, long commitLogOffset)
    {
        Span<byte> bytes = stackalloc byte[28];
        int length = storeHost.Write(bytes);
        BinaryPrimitives.WriteInt64BigEndian(bytes[length..], commitLogOffset);
        length += 8;
        if (!Convert.TryToHexString(bytes[..length], destination, out int written))
        {
            throw new ArgumentException("The destination is too small for an offset message id.", nameof(destination));
        }
        return written;
    }

    /// <summary>Parses an id; false when it is not 32 or 56 hex characters.</summary>
    public static bool TryParse(ReadOnlySpan<char> id, out MessageHost storeHost, out long commitLogOffset)
    {
        storeHost = default;
        commitLogOffset = 0;
        if (id.Length != IPv4Length && id.Length != IPv6Length)
        {
            return false;
        }
        Span<byte> bytes = stackalloc byte[28];
        var target = bytes[..(id.Length / 2)];
        if (Convert.FromHexString(id, target, out _, out int written) != System.Buffers.OperationStatus.Done || written != target.Length)
        {
            return false;
        }
        int addressLength = id.Length == IPv4Length ? 4 : 16;
        int port = BinaryPrimitives.ReadInt32BigEndian(target[addressLength..]);
        // Read exactly what is there (no IPv4-mapped normalisation) so ids round-trip.
        storeHost = MessageHost.Read(target, addressLength == 16);
        _ = port;
        commitLogOffset = BinaryPrimitives.ReadInt64BigEndian(target[(addressLength + 4)..]);
        return true;
    }
}
