using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// Addresses of one broker name (RocketMQ <c>BrokerData</c>): <c>brokerAddrs</c> maps brokerId (0 master,
/// &gt; 0 slaves) to <c>ip:port</c>; written in key order, numeric keys quoted or bare per <see cref="JsonKeyStyle"/>.
/// </summary>
public sealed class BrokerData : JsonBody
{
    /// <summary>Cluster name.</summary>
    public string Cluster { get; set; } = string.Empty;

    /// <summary>Broker name.</summary>
    public string BrokerName { get; set; } = string.Empty;

    /// <summary>brokerId → address, sorted by id.</summary>
    public SortedDictionary<long, string> BrokerAddrs { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public BrokerData Clone() => new() { Cluster = Cluster, BrokerName = BrokerName, BrokerAddrs = new SortedDictionary<long, string>(BrokerAddrs) };

    /// <summary>Decodes a BrokerData.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static BrokerData Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static BrokerData Read(ref FastJsonReader reader)
    {
        var d = new BrokerData();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, BrokerData d) =>
        {
            switch (name)
            {
                case "cluster": d.Cluster = r.ReadString() ?? string.Empty; break;
                case "brokername": d.BrokerName = r.ReadString() ?? string.Empty; break;
                case "brokeraddrs":
                    if (r.TryReadNull())
                    {
                        break;
                    }
                    r.ReadStartObject();
                    while (r.NextMember())
                    {
                        long id = r.ReadInt64MapKey();
                        string? addr = r.ReadString();
                        if (addr is not null)
                        {
                            d.BrokerAddrs[id] = addr;
                        }
                    }
                    break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("brokerAddrs"u8);
        writer.WriteStartObject();
        foreach (KeyValuePair<long, string> e in BrokerAddrs)
        {
            writer.WriteMapKey(e.Key);
            writer.WriteStringValue(e.Value);
        }
        writer.WriteEndObject();
        writer.WriteString("brokerName"u8, BrokerName);
        writer.WriteString("cluster"u8, Cluster);
        writer.WriteEndObject();
    }
}
