namespace Mq.Client;

/// <summary>
/// A <c>UNIQ_KEY</c> either as text (given by the application, or a batch's joined ids) or as its generated
/// parts (fixed hex prefix, ms in month, counter), so the send path writes its hex into the properties and
/// formats a string only when someone reads the id.
/// </summary>
internal readonly struct UniqueId
{
    private readonly string? _text;
    private readonly string? _prefix;
    private readonly int _elapsed;
    private readonly short _counter;

    public UniqueId(string prefix, int elapsed, short counter)
    {
        _prefix = prefix;
        _elapsed = elapsed;
        _counter = counter;
    }

    private UniqueId(string text) => _text = text;

    /// <summary>Characters (and UTF-8 bytes: hex only, or the text's own) of the id.</summary>
    public int MaxUtf8Length => _text is null ? (_prefix?.Length ?? 0) + 12 : System.Text.Encoding.UTF8.GetMaxByteCount(_text.Length);

    public static UniqueId FromText(string text) => new(text);

    /// <summary>Writes the id as UTF-8; returns the bytes written.</summary>
    public int WriteUtf8(Span<byte> destination)
    {
        if (_text is not null)
        {
            return System.Text.Encoding.UTF8.GetBytes(_text, destination);
        }
        string prefix = _prefix ?? string.Empty;
        System.Text.Encoding.ASCII.GetBytes(prefix, destination);
        Span<byte> tail = stackalloc byte[6];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(tail, _elapsed);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(tail[4..], _counter);
        Convert.TryToHexString(tail, destination[prefix.Length..], out int written);
        return prefix.Length + written;
    }

    public override string ToString() =>
        _text ?? string.Create((_prefix?.Length ?? 0) + 12, this, static (span, id) =>
        {
            string prefix = id._prefix ?? string.Empty;
            prefix.AsSpan().CopyTo(span);
            Span<byte> tail = stackalloc byte[6];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(tail, id._elapsed);
            System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(tail[4..], id._counter);
            Convert.TryToHexString(tail, span[prefix.Length..], out _);
        });
}
