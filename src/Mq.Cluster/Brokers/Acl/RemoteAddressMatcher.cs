using System.Globalization;
using System.Net;

namespace Mq.Brokers.Acl;

/// <summary>
/// A white-list entry of an ACL file (RocketMQ <c>RemoteAddressStrategyFactory</c>): empty matches nothing;
/// <c>*</c> (or <c>*.*.*.*</c>) everything; <c>10.0.0.{1,2}</c> and <c>10.0.0.1,10.0.0.2</c> a set;
/// <c>10.0.*.*</c> or <c>10.0.1-9.*</c> an IPv4 range, <c>fe80::1:*</c> or <c>fe80:0:0:0:0:0:1-ff:*</c> an IPv6
/// range (hexadecimal groups); otherwise one IPv4 or IPv6 address.
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
    /// the leading parts equal, the ranged part within m..n. IPv6 alike with 16-bit hexadecimal groups (4.9's
    /// <c>RangeRemoteAddressStrategy</c>), the leading groups possibly shortened with <c>::</c>.
    /// </summary>
    private sealed class Range : RemoteAddressMatcher
    {
        private readonly byte[] _head;
        private readonly int _start;
        private readonly int _end;
        private readonly bool _ipv6;

        private Range(byte[] head, int start, int end, bool ipv6)
        {
            _head = head;
            _start = start;
            _end = end;
            _ipv6 = ipv6;
        }

        public static Range ParseRange(string text)
        {
            if (text.Contains(':'))
            {
                return ParseIPv6Range(text);
            }
            string[] parts = text.Split('.');
            if (parts.Length != 4)
            {
                throw Invalid(text, "an IPv4 range has four parts");
            }
            int ranged = RangedPart(parts, text);
            var head = new byte[ranged];
            for (int i = 0; i < ranged; i++)
            {
                head[i] = Octet(parts[i], text);
            }
            (int start, int end) = Bounds(parts[ranged].Trim(), 255, NumberStyles.None, text);
            return new Range(head, start, end, ipv6: false);
        }

        private static Range ParseIPv6Range(string text)
        {
            string[] groups = text.Split(':');
            int ranged = RangedPart(groups, text);
            int tail = groups.Length - ranged;
            // The leading groups with zeros in place of the ranged ones make a whole address: parsing it expands '::'
            // and tells where the ranged group sits.
            string whole = string.Join(':', groups[..ranged]) + string.Concat(Enumerable.Repeat(":0", tail));
            if (!IPAddress.TryParse(whole, out IPAddress? address)
                || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || whole.Contains('.'))
            {
                throw Invalid(text, $"'{string.Join(':', groups[..ranged])}' does not lead an IPv6 address");
            }
            int position = 8 - tail;
            if (position < 1)
            {
                throw Invalid(text, "no '*' or 'm-n' group after the first");
            }
            (int start, int end) = Bounds(groups[ranged].Trim(), 0xffff, NumberStyles.AllowHexSpecifier, text);
            return new Range(address.GetAddressBytes()[..(2 * position)], start, end, ipv6: true);
        }

        /// <summary>The first part after the first that is '*' or 'm-n'; every part after it must be '*'.</summary>
        private static int RangedPart(string[] parts, string text)
        {
            for (int ranged = 1; ranged < parts.Length; ranged++)
            {
                string part = parts[ranged].Trim();
                if (part != "*" && !part.Contains('-'))
                {
                    continue;
                }
                for (int i = ranged + 1; i < parts.Length; i++)
                {
                    if (parts[i].Trim() != "*")
                    {
                        throw Invalid(text, "only '*' may follow the ranged part");
                    }
                }
                return ranged;
            }
            throw Invalid(text, "no '*' or 'm-n' part after the first");
        }

        private static (int Start, int End) Bounds(string part, int max, NumberStyles style, string text)
        {
            if (part == "*")
            {
                return (0, max);
            }
            string[] bounds = part.Split('-');
            if (bounds.Length == 2
                && int.TryParse(bounds[0].Trim(), style, CultureInfo.InvariantCulture, out int start)
                && int.TryParse(bounds[1].Trim(), style, CultureInfo.InvariantCulture, out int end)
                && start >= 0 && start <= end && end <= max)
            {
                return (start, end);
            }
            throw Invalid(text, max == 255 ? $"'{part}' is not a range m-n with 0 <= m <= n <= 255" : $"'{part}' is not a range m-n of hexadecimal groups with m <= n <= ffff");
        }

        private static byte Octet(string text, string entry) =>
            byte.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out byte value)
                ? value
                : throw Invalid(entry, $"'{text}' is not a number 0-255");

        public override bool Matches(IPAddress address)
        {
            if (address.AddressFamily != (_ipv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork))
            {
                return false;
            }
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            if (!bytes[.._head.Length].SequenceEqual(_head))
            {
                return false;
            }
            int value = _ipv6 ? (bytes[_head.Length] << 8) | bytes[_head.Length + 1] : bytes[_head.Length];
            return value >= _start && value <= _end;
        }
    }
}
