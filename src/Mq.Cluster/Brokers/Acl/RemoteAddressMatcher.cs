using System.Globalization;
using System.Net;

namespace Mq.Brokers.Acl;

/// <summary>
/// A white-list entry of an ACL file (RocketMQ <c>RemoteAddressStrategyFactory</c>): empty matches nothing;
/// <c>*</c> (or <c>*.*.*.*</c>) everything; <c>10.0.0.{1,2}</c> and <c>10.0.0.1,10.0.0.2</c> a set;
/// <c>10.0.*.*</c> or <c>10.0.1-9.*</c> an IPv4 range; otherwise one IPv4 or IPv6 address.
/// </summary>
internal abstract class RemoteAddressMatcher
{
    /// <summary>Matches no address (an empty entry).</summary>
    public static readonly RemoteAddressMatcher None = new Fixed(false);

    private static readonly RemoteAddressMatcher Any = new Fixed(true);

    /// <summary>Whether <paramref name="address"/> (IPv4-mapped IPv6 already reduced to IPv4) is on the list.</summary>
    public abstract bool Matches(IPAddress address);

    /// <summary>Parses one entry.</summary>
    /// <exception cref="FormatException">Not one of the forms above.</exception>
    public static RemoteAddressMatcher Parse(string? entry)
    {
        string text = entry?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return None;
        }
        if (text is "*" or "*.*.*.*" or "*:*:*:*:*:*:*:*")
        {
            return Any;
        }
        if (text.EndsWith('}'))
        {
            int open = text.LastIndexOf('{');
            if (open < 0 || (open > 0 && text[open - 1] is not '.' and not ':'))
            {
                throw Invalid(text, "a '{...}' set must be the last part of the address");
            }
            string prefix = text[..open];
            var set = new List<IPAddress>();
            foreach (string item in text[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                set.Add(Address(prefix + item, text));
            }
            return new Set(set);
        }
        if (text.Contains(','))
        {
            var set = new List<IPAddress>();
            foreach (string item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                set.Add(Address(item, text));
            }
            return new Set(set);
        }
        if (text.Contains('*') || text.Contains('-'))
        {
            return Range.ParseRange(text);
        }
        return new Set([Address(text, text)]);
    }

    /// <summary>The connecting address as entries compare it: an IPv4-mapped IPv6 address is IPv4.</summary>
    public static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPAddress Address(string text, string entry)
    {
        if (!IPAddress.TryParse(text, out IPAddress? address) || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && text.Count(c => c == '.') != 3))
        {
            throw Invalid(entry, $"'{text}' is not an IP address");
        }
        return Normalize(address);
    }

    private static FormatException Invalid(string entry, string why) => new($"Invalid white remote address '{entry}': {why}.");

    private sealed class Fixed(bool result) : RemoteAddressMatcher
    {
        public override bool Matches(IPAddress address) => result;
    }

    private sealed class Set(List<IPAddress> addresses) : RemoteAddressMatcher
    {
        public override bool Matches(IPAddress address)
        {
            foreach (IPAddress candidate in addresses)
            {
                if (candidate.Equals(address))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// <c>a.b.c.*</c>, <c>a.b.*.*</c>, <c>a.*.*.*</c>, or the same with <c>m-n</c> in place of the first <c>*</c>:
    /// the leading parts equal, the ranged part within m..n.
    /// </summary>
    private sealed class Range : RemoteAddressMatcher
    {
        private readonly byte[] _head;
        private readonly int _start;
        private readonly int _end;

        private Range(byte[] head, int start, int end)
        {
            _head = head;
            _start = start;
            _end = end;
        }

        public static Range ParseRange(string text)
        {
            if (text.Contains(':'))
            {
                throw Invalid(text, "IPv6 ranges are not supported; list the addresses instead");
            }
            string[] parts = text.Split('.');
            if (parts.Length != 4)
            {
                throw Invalid(text, "an IPv4 range has four parts");
            }
            for (int ranged = 1; ranged < 4; ranged++)
            {
                string part = parts[ranged].Trim();
                if (part != "*" && !part.Contains('-'))
                {
                    continue;
                }
                var head = new byte[ranged];
                for (int i = 0; i < ranged; i++)
                {
                    head[i] = Octet(parts[i], text);
                }
                for (int i = ranged + 1; i < 4; i++)
                {
                    if (parts[i].Trim() != "*")
                    {
                        throw Invalid(text, "only '*' may follow the ranged part");
                    }
                }
                if (part == "*")
                {
                    return new Range(head, 0, 255);
                }
                string[] bounds = part.Split('-');
                int start = bounds.Length == 2 ? Octet(bounds[0], text) : -1;
                int end = bounds.Length == 2 ? Octet(bounds[1], text) : -1;
                if (start < 0 || start > end)
                {
                    throw Invalid(text, $"'{part}' is not a range m-n with 0 <= m <= n <= 255");
                }
                return new Range(head, start, end);
            }
            throw Invalid(text, "no '*' or 'm-n' part after the first");
        }

        private static byte Octet(string text, string entry) =>
            byte.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out byte value)
                ? value
                : throw Invalid(entry, $"'{text}' is not a number 0-255");

        public override bool Matches(IPAddress address)
        {
            if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
            {
                return false;
            }
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            if (!bytes[.._head.Length].SequenceEqual(_head))
            {
                return false;
            }
            int value = bytes[_head.Length];
            return value >= _start && value <= _end;
        }
    }
}
