using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mq.Messages;

/// <summary>
/// A born or store host as a stored record carries it: 4 (IPv4) or 16 (IPv6) address bytes and a port.
/// IPv4-mapped IPv6 addresses (what dual-mode sockets report for IPv4 peers) are normalised to IPv4,
/// because ali-ons always decodes 4-byte hosts and would mis-read every following record otherwise.
/// A value type without references so a host can be kept per connection and copied for free.
/// </summary>
public readonly struct MessageHost : IEquatable<MessageHost>
{
    private readonly ulong _high;
    private readonly ulong _low;
    private readonly byte _addressLength;

    private MessageHost(ulong high, ulong low, byte addressLength, int port)
    {
        _high = high;
        _low = low;
        _addressLength = addressLength;
        Port = port;
    }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>4 for IPv4, 16 for IPv6, 0 for the default (unset) value which encodes as 0.0.0.0:0.</summary>
    public int AddressLength => _addressLength == 0 ? 4 : _addressLength;

    /// <summary>Whether the address is a genuine IPv6 address.</summary>
    public bool IsIPv6 => _addressLength == 16;

    /// <summary>Bytes this host takes in a record: address + 4-byte port.</summary>
    public int EncodedLength => AddressLength + 4;

    /// <summary>Creates a host from an endpoint, mapping IPv4-mapped IPv6 addresses to IPv4.</summary>
    public static MessageHost From(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return From(endPoint.Address, endPoint.Port);
    }

    /// <summary>Creates a host from an address and port, mapping IPv4-mapped IPv6 addresses to IPv4.</summary>
    public static MessageHost From(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out int written))
        {
            throw new ArgumentException("The address could not be written as bytes.", nameof(address));
        }
        if (written == 16 && address.IsIPv4MappedToIPv6)
        {
            return FromBytes(bytes.Slice(12, 4), port);
        }
        return FromBytes(bytes[..written], port);
    }

    /// <summary>Creates a host from 4 or 16 address bytes.</summary>
    public static MessageHost FromBytes(ReadOnlySpan<byte> address, int port)
    {
        if (address.Length == 4)
        {
            return new MessageHost(0, BinaryPrimitives.ReadUInt32BigEndian(address), 4, port);
        }
        if (address.Length == 16)
        {
            ulong high = BinaryPrimitives.ReadUInt64BigEndian(address);
            ulong low = BinaryPrimitives.ReadUInt64BigEndian(address[8..]);
            // ::ffff:a.b.c.d is IPv4 in disguise.
            if (high == 0 && (low >> 32) == 0xFFFF)
            {
                return new MessageHost(0, low & 0xFFFFFFFF, 4, port);
            }
            return new MessageHost(high, low, 16, port);
        }
        throw new ArgumentException("An address has 4 or 16 bytes.", nameof(address));
    }

    /// <summary>Reads a host as a record stores it (address then big-endian int32 port).</summary>
    public static MessageHost Read(ReadOnlySpan<byte> source, bool ipv6)
    {
        int length = ipv6 ? 16 : 4;
        var address = source[..length];
        int port = BinaryPrimitives.ReadInt32BigEndian(source.Slice(length, 4));
        if (ipv6)
        {
            // Do not normalise here: a stored record keeps what it says, so re-encoding is byte-exact.
            return new MessageHost(BinaryPrimitives.ReadUInt64BigEndian(address), BinaryPrimitives.ReadUInt64BigEndian(address[8..]), 16, port);
        }
        return new MessageHost(0, BinaryPrimitives.ReadUInt32BigEndian(address), 4, port);
    }

    /// <summary>Writes the address bytes (4 or 16).</summary>
    public void WriteAddress(Span<byte> destination)
    {
        if (IsIPv6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
            BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_low);
        }
    }

    /// <summary>Writes address and port as a record stores them; returns <see cref="EncodedLength"/>.</summary>
    public int Write(Span<byte> destination)
    {
        WriteAddress(destination);
        int length = AddressLength;
        BinaryPrimitives.WriteInt32BigEndian(destination.Slice(length, 4), Port);
        return length + 4;
    }

    /// <summary>The address as an <see cref="IPAddress"/> (allocates).</summary>
    public IPAddress ToAddress()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteAddress(bytes);
        return new IPAddress(bytes[..AddressLength]);
    }

    /// <summary>The host as an endpoint (allocates).</summary>
    public IPEndPoint ToEndPoint() => new(ToAddress(), Port);

    /// <summary>The address family.</summary>
    public AddressFamily AddressFamily => IsIPv6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    /// <inheritdoc />
    public bool Equals(MessageHost other) =>
        _high == other._high && _low == other._low && AddressLength == other.AddressLength && Port == other.Port;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is MessageHost other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low, AddressLength, Port);

    /// <summary>Equality.</summary>
    public static bool operator ==(MessageHost left, MessageHost right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(MessageHost left, MessageHost right) => !left.Equals(right);

    /// <summary><c>address:port</c> as RocketMQ prints it (IPv6 in brackets).</summary>
    public override string ToString() => IsIPv6
        ? string.Create(CultureInfo.InvariantCulture, $"[{ToAddress()}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"{ToAddress()}:{Port}");
}
