using System.Globalization;
using System.Net;

namespace Mq.Transport;

/// <summary>"host:port" strings as RocketMQ uses them (<c>RemotingHelper</c>/<c>RemotingUtil</c>).</summary>
internal static class RemotingAddress
{
    /// <summary>IPv4-mapped IPv6 peers become plain IPv4 (ali-ons cannot decode IPv6 hosts, §11.4).</summary>
    public static EndPoint? Normalize(EndPoint? endPoint) =>
        endPoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endPoint;

    /// <summary>Formats an end point as "ip:port" ("[v6]:port" for IPv6).</summary>
    public static string Format(EndPoint? endPoint) => Normalize(endPoint) switch
    {
        IPEndPoint { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } v6 => "[" + v6.Address + "]:" + v6.Port.ToString(CultureInfo.InvariantCulture),
        IPEndPoint ip => ip.Address + ":" + ip.Port.ToString(CultureInfo.InvariantCulture),
        null => "unknown",
        var other => other.ToString() ?? "unknown",
    };

    /// <summary>Parses "ip:port", "[v6]:port" or "host:port" (host names are resolved).</summary>
    public static async ValueTask<IPEndPoint> ResolveAsync(string address, CancellationToken cancellationToken)
    {
        int colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new RemotingConnectException("bad address '" + address + "': expected host:port", address);
        }
        string host = address[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out IPAddress? ip))
        {
            return new IPEndPoint(ip, port);
        }
        try
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            foreach (IPAddress candidate in addresses)
            {
                if (candidate.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                {
                    return new IPEndPoint(candidate, port);
                }
            }
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], port);
            }
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new RemotingConnectException("cannot resolve '" + host + "'", address, ex);
        }
        throw new RemotingConnectException("cannot resolve '" + host + "'", address);
    }
}
