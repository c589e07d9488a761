using System.Buffers;
using System.Security.Cryptography;

namespace Mq.Protocol;

/// <summary>
/// Signs a request for a broker or NameServer with ACL enabled, as RocketMQ's <c>AclClientRPCHook</c> does: the
/// <c>AccessKey</c> (and <c>SecurityToken</c>) fields are added, every field value but <c>Signature</c> and
/// <c>_UNIQUE_KEY_QUERY</c> is taken in key order and followed by the body, and <c>Signature</c> is the Base64 HMAC-SHA1 of that under the secret key.
/// The server (<c>PlainAccessValidator</c>) recomputes the same over the fields it received, so signing the
/// fields exactly as they go on the wire is what it checks.
/// </summary>
internal static class AclRequestSigner
{
    private static ReadOnlySpan<byte> UniqueKeyQueryFlag => "_UNIQUE_KEY_QUERY"u8;

    private static ReadOnlySpan<byte> SignatureKey => "Signature"u8;

    /// <summary>Bytes of an HMAC-SHA1 signature before Base64.</summary>
    public const int SignatureLength = 20;

    /// <summary>Bytes of the Base64 signature the <c>Signature</c> field carries.</summary>
    public const int Base64SignatureLength = 28;

    /// <summary>Adds AccessKey, SecurityToken (when given) and Signature to <paramref name="request"/>'s fields.</summary>
    public static void Sign(RemotingCommand request, string accessKey, ReadOnlySpan<byte> secretKeyUtf8, string? securityToken)
    {
        ExtFields fields = request.ExtFields;
        fields.Add("AccessKey"u8, accessKey);
        if (securityToken is not null)
        {
            fields.Add("SecurityToken"u8, securityToken);
        }
        fields.Remove("Signature"u8);
        Span<byte> signature = stackalloc byte[Base64SignatureLength];
        ComputeSignature(request, secretKeyUtf8, signature[..SignatureLength]);
        System.Buffers.Text.Base64.EncodeToUtf8InPlace(signature, SignatureLength, out int written);
        fields.Add("Signature"u8, signature[..written]);
    }

    /// <summary>
    /// The HMAC-SHA1 of <paramref name="request"/>'s signed content (see <see cref="RentSignedContent"/>) under
    /// <paramref name="secretKeyUtf8"/>: what a client signs and what the broker recomputes to check it.
    /// </summary>
    public static void ComputeSignature(RemotingCommand request, ReadOnlySpan<byte> secretKeyUtf8, Span<byte> signature)
    {
        byte[] content = RentSignedContent(request, out int length);
        try
        {
            HMACSHA1.HashData(secretKeyUtf8, content.AsSpan(0, length), signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    /// <summary>
    /// The content a signature covers, gathered into one buffer rented from <see cref="ArrayPool{T}.Shared"/> (the
    /// caller returns it): the field values but <c>Signature</c> and <c>_UNIQUE_KEY_QUERY</c> in key order, then the
    /// body. One buffer is hashed in one call: each call into the crypto library costs more than hashing a header's
    /// worth of bytes.
    /// </summary>
    public static byte[] RentSignedContent(RemotingCommand request, out int length)
    {
        ExtFields fields = request.ExtFields;
        int count = fields.Count;
        Span<int> order = count <= 64 ? stackalloc int[count] : new int[count];
        int signed = 0;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> key = fields.KeyAt(i);
            if (key.SequenceEqual(UniqueKeyQueryFlag) || key.SequenceEqual(SignatureKey))
            {
                // The 4.9 broker leaves the flag out of what it checks (clients before 4.9.3 did not sign it).
                continue;
            }
            // Insertion sort by key bytes: a header has a dozen fields at most, and for the ASCII keys of the
            // protocol byte order is Java's String order (the TreeMap the server sorts with).
            int at = signed++;
            while (at > 0 && fields.KeyAt(order[at - 1]).SequenceCompareTo(key) > 0)
            {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = i;
        }
        int bodyLength = BodyLength(request);
        length = bodyLength;
        foreach (int index in order[..signed])
        {
            length += fields.ValueAt(index).Length;
        }
        byte[] content = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        int written = 0;
        foreach (int index in order[..signed])
        {
            ReadOnlySpan<byte> value = fields.ValueAt(index);
            value.CopyTo(content.AsSpan(written));
            written += value.Length;
        }
        if (request.BodySegments is { } segments)
        {
            foreach (ReadOnlyMemory<byte> segment in segments)
            {
                segment.Span.CopyTo(content.AsSpan(written));
                written += segment.Length;
            }
        }
        else
        {
            request.Body.Span.CopyTo(content.AsSpan(written));
        }
        return content;
    }

    private static int BodyLength(RemotingCommand request)
    {
        if (request.BodySegments is not { } segments)
        {
            return request.Body.Length;
        }
        int length = 0;
        foreach (ReadOnlyMemory<byte> segment in segments)
        {
            length += segment.Length;
        }
        return length;
    }
}
