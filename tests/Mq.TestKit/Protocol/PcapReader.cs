using System.Buffers.Binary;

namespace Mq.TestKit.Protocol;

/// <summary>
/// Minimal reader of classic libpcap files with Ethernet link type: records -> Ethernet -> IPv4 -> TCP,
/// and reassembly of each direction's byte stream by (src, sport, dst, dport) using TCP sequence
/// numbers (retransmissions and overlaps are dropped). Enough for golden captures, not a general tool.
/// </summary>
public static class PcapReader
{
    /// <summary>Reassembles every TCP stream with a payload, in order of first appearance.</summary>
    public static IReadOnlyList<TcpStream> ReadTcpStreams(byte[] pcap)
    {
        if (pcap.Length < 24)
        {
            throw new InvalidDataException("not a pcap file: shorter than its global header");
        }
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(pcap);
        bool littleEndian = magic switch
        {
            0xA1B2C3D4 or 0xA1B23C4D => true,
            0xD4C3B2A1 or 0x4D3CB2A1 => false,
            _ => throw new InvalidDataException("not a pcap file: magic " + magic.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)),
        };
        uint linkType = ReadUInt32(pcap.AsSpan(20), littleEndian);
        if (linkType != 1)
        {
            throw new InvalidDataException("only Ethernet captures (link type 1) are supported");
        }
        var segments = new Dictionary<StreamKey, List<(uint Seq, byte[] Payload)>>();
        var order = new List<StreamKey>();
        int offset = 24;
        while (offset + 16 <= pcap.Length)
        {
            int capturedLength = (int)ReadUInt32(pcap.AsSpan(offset + 8), littleEndian);
            offset += 16;
            if (capturedLength < 0 || offset + capturedLength > pcap.Length)
            {
                throw new InvalidDataException("truncated pcap record");
            }
            ReadOnlySpan<byte> packet = pcap.AsSpan(offset, capturedLength);
            offset += capturedLength;
            if (packet.Length < 14 || BinaryPrimitives.ReadUInt16BigEndian(packet[12..]) != 0x0800)
            {
                continue; // not IPv4
            }
            ReadOnlySpan<byte> ip = packet[14..];
            int ihl = (ip[0] & 0x0F) * 4;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            if (ip[9] != 6 || totalLength > ip.Length)
            {
                continue; // not TCP, or truncated by the snap length
            }
            var src = new System.Net.IPAddress(ip.Slice(12, 4));
            var dst = new System.Net.IPAddress(ip.Slice(16, 4));
            ReadOnlySpan<byte> tcp = ip[ihl..totalLength];
            int sport = BinaryPrimitives.ReadUInt16BigEndian(tcp);
            int dport = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]);
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
            int dataOffset = (tcp[12] >> 4) * 4;
            ReadOnlySpan<byte> payload = tcp[dataOffset..];
            if (payload.IsEmpty)
            {
                continue;
            }
            var key = new StreamKey(src.ToString(), sport, dst.ToString(), dport);
            if (!segments.TryGetValue(key, out var list))
            {
                segments[key] = list = [];
                order.Add(key);
            }
            list.Add((seq, payload.ToArray()));
        }
        var streams = new List<TcpStream>();
        foreach (StreamKey key in order)
        {
            streams.Add(new TcpStream(key, Reassemble(segments[key])));
        }
        return streams;
    }

    private static byte[] Reassemble(List<(uint Seq, byte[] Payload)> segments)
    {
        uint isn = segments[0].Seq;
        // Order by position relative to the first segment (handles sequence wrap-around).
        segments.Sort((a, b) => unchecked(a.Seq - isn).CompareTo(unchecked(b.Seq - isn)));
        using var stream = new MemoryStream();
        long next = 0;
        foreach ((uint seq, byte[] payload) in segments)
        {
            long rel = unchecked(seq - isn);
            if (rel + payload.Length <= next)
            {
                continue; // retransmission
            }
            if (rel > next)
            {
                throw new InvalidDataException("gap in TCP stream at relative sequence " + next.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            stream.Write(payload, (int)(next - rel), payload.Length - (int)(next - rel));
            next = rel + payload.Length;
        }
        return stream.ToArray();
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> span, bool littleEndian) =>
        littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(span) : BinaryPrimitives.ReadUInt32BigEndian(span);
}
