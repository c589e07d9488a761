namespace Mq.Broker.Processors;

/// <summary>
/// Rewrites a SEND request's properties string (§4.3) for storage the way RocketMQ 4.9.8's
/// <c>SendMessageProcessor</c> does: <c>WAIT</c> is not stored (single sends), <c>CLUSTER=&lt;cluster&gt;</c> is
/// added (replacing one sent by the client). Span-based: no dictionary, no strings.
/// </summary>
internal static class SendProperties
{
    private const byte NameValueSeparator = 0x01;
    private const byte PropertySeparator = 0x02;

    /// <summary>Largest output for an input of <paramref name="length"/> bytes.</summary>
    public static int MaxLength(int length, int clusterLength) => length + clusterLength + 10;

    /// <summary>Writes the rewritten string into <paramref name="destination"/>; returns its length.</summary>
    public static int Rewrite(ReadOnlySpan<byte> properties, ReadOnlySpan<byte> cluster, bool stripWait, Span<byte> destination)
    {
        int written = 0;
        ReadOnlySpan<byte> rest = properties;
        while (!rest.IsEmpty)
        {
            int end = rest.IndexOf(PropertySeparator);
            ReadOnlySpan<byte> segment = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (segment.IsEmpty)
            {
                continue;
            }
            int separator = segment.IndexOf(NameValueSeparator);
            ReadOnlySpan<byte> key = separator < 0 ? segment : segment[..separator];
            if (key.SequenceEqual("CLUSTER"u8) || (stripWait && key.SequenceEqual("WAIT"u8)))
            {
                continue;
            }
            if (written > 0)
            {
                destination[written++] = PropertySeparator;
            }
            segment.CopyTo(destination[written..]);
            written += segment.Length;
        }
        if (written > 0)
        {
            destination[written++] = PropertySeparator;
        }
        "CLUSTER"u8.CopyTo(destination[written..]);
        written += 7;
        destination[written++] = NameValueSeparator;
        cluster.CopyTo(destination[written..]);
        return written + cluster.Length;
    }
}
