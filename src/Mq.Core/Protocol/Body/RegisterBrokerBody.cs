using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// REGISTER_BROKER body (RocketMQ <c>RegisterBrokerBody</c>): the broker's topic configs and filter
/// servers, as JSON or in the zlib-compressed binary form of remoting-protocol.md §2.3
/// (request header <c>compressed=true</c>).
/// </summary>
public sealed class RegisterBrokerBody : JsonBody
{
    /// <summary>Largest inflated size accepted from a compressed body (guards against zip bombs).</summary>
    public const int MaxInflatedBytes = 256 * 1024 * 1024;

    /// <summary>Topic configs and their version.</summary>
    public TopicConfigSerializeWrapper TopicConfigSerializeWrapper { get; set; } = new();

    /// <summary>Filter server addresses (always empty since 4.3).</summary>
    public List<string> FilterServerList { get; set; } = [];

    /// <summary>Decodes the JSON form.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static RegisterBrokerBody Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    /// <summary>Decodes either form, as the NameServer does with the request's <c>compressed</c> flag.</summary>
    /// <exception cref="JsonBodyException">Malformed input, bad zlib data or inconsistent lengths.</exception>
    public static RegisterBrokerBody Decode(ReadOnlySpan<byte> body, bool compressed) =>
        compressed ? DecodeCompressed(body) : Decode(body);

    /// <summary>
    /// Encodes the compressed form (Java <c>RegisterBrokerBody.encode(true)</c>). As in Java, topicSysFlag and
    /// order do not survive it.
    /// </summary>
    public byte[] EncodeCompressed()
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            WriteChunk(zlib, TopicConfigSerializeWrapper.DataVersion.Encode());
            WriteInt(zlib, TopicConfigSerializeWrapper.TopicConfigTable.Count);
            foreach (TopicConfig config in TopicConfigSerializeWrapper.TopicConfigTable.Values)
            {
                WriteChunk(zlib, Encoding.UTF8.GetBytes(config.ToLine()));
            }
            var list = new ListOfStrings { Items = FilterServerList };
            WriteChunk(zlib, list.Encode());
        }
        return output.ToArray();
    }

    /// <summary>Decodes the compressed form (Java <c>RegisterBrokerBody.decode(data, true)</c>).</summary>
    /// <exception cref="JsonBodyException">Bad zlib data or inconsistent lengths.</exception>
    public static RegisterBrokerBody DecodeCompressed(ReadOnlySpan<byte> body)
    {
        byte[] inflated = Inflate(body);
        var span = new ReadOnlySpan<byte>(inflated);
        int pos = 0;
        var result = new RegisterBrokerBody();
        var wrapper = result.TopicConfigSerializeWrapper;
        wrapper.DataVersion = DataVersion.Decode(ReadChunk(span, ref pos));
        int count = ReadInt(span, ref pos);
        if (count < 0)
        {
            throw new JsonBodyException("Negative topic count in compressed RegisterBrokerBody", pos - 4);
        }
        for (int i = 0; i < count; i++)
        {
            int at = pos;
            string line = Encoding.UTF8.GetString(ReadChunk(span, ref pos));
            TopicConfig config = TopicConfig.ParseLine(line)
                ?? throw new JsonBodyException($"Bad topic config line '{line}' in compressed RegisterBrokerBody", at);
            wrapper.TopicConfigTable[config.TopicName] = config;
        }
        if (pos < span.Length)
        {
            result.FilterServerList = JsonBodyReader.Decode(ReadChunk(span, ref pos), JsonBodyReader.ReadStringList);
        }
        return result;
    }

    internal static RegisterBrokerBody Read(ref FastJsonReader reader)
    {
        var d = new RegisterBrokerBody();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, RegisterBrokerBody d) =>
        {
            switch (name)
            {
                case "topicconfigserializewrapper": d.TopicConfigSerializeWrapper = TopicConfigSerializeWrapper.Read(ref r); break;
                case "filterserverlist": d.FilterServerList = JsonBodyReader.ReadStringList(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStringArray("filterServerList"u8, FilterServerList);
        writer.WritePropertyName("topicConfigSerializeWrapper"u8);
        TopicConfigSerializeWrapper.Write(writer);
        writer.WriteEndObject();
    }

    private static byte[] Inflate(ReadOnlySpan<byte> body)
    {
        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            byte[] chunk = new byte[16 * 1024];
            int n;
            while ((n = zlib.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + n > MaxInflatedBytes)
                {
                    throw new JsonBodyException($"Compressed RegisterBrokerBody inflates beyond {MaxInflatedBytes} bytes", 0);
                }
                output.Write(chunk, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new JsonBodyException("Compressed RegisterBrokerBody is not a valid zlib stream", e);
        }
    }

    private static int ReadInt(ReadOnlySpan<byte> span, ref int pos)
    {
        if (pos + 4 > span.Length)
        {
            throw new JsonBodyException("Truncated compressed RegisterBrokerBody", pos);
        }
        int value = BinaryPrimitives.ReadInt32BigEndian(span[pos..]);
        pos += 4;
        return value;
    }

    private static ReadOnlySpan<byte> ReadChunk(ReadOnlySpan<byte> span, ref int pos)
    {
        int at = pos;
        int length = ReadInt(span, ref pos);
        if (length < 0 || length > span.Length - pos)
        {
            throw new JsonBodyException($"Bad chunk length {length} in compressed RegisterBrokerBody", at);
        }
        ReadOnlySpan<byte> chunk = span.Slice(pos, length);
        pos += length;
        return chunk;
    }

    private static void WriteInt(Stream stream, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b, value);
        stream.Write(b);
    }

    private static void WriteChunk(Stream stream, byte[] chunk)
    {
        WriteInt(stream, chunk.Length);
        stream.Write(chunk);
    }

    /// <summary>A bare JSON array of strings (the filter server list chunk).</summary>
    private sealed class ListOfStrings : JsonBody
    {
        public List<string> Items { get; init; } = [];

        internal override void Write(FastJsonWriter writer)
        {
            writer.WriteStartArray();
            foreach (string s in Items)
            {
                writer.WriteStringValue(s);
            }
            writer.WriteEndArray();
        }
    }
}
