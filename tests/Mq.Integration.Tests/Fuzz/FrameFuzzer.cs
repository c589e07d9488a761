using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mq.Protocol;

namespace Mq.Tests.Fuzz;

/// <summary>What a fuzz frame is made of (counted per kind in the report).</summary>
internal enum FuzzKind
{
    /// <summary>Well-formed JSON header, hostile code/flag/extFields/body.</summary>
    JsonHostile,

    /// <summary>Well-formed ROCKETMQ binary header, hostile fields.</summary>
    BinaryHostile,

    /// <summary>A real request (built like BrokerTestClient's, or captured) with its extFields values mutated.</summary>
    SeedFieldsMutated,

    /// <summary>A real request with random bytes of its body replaced (header intact).</summary>
    SeedBodyMutated,

    /// <summary>A real request with random bytes of its header replaced: usually bad JSON; may close the connection.</summary>
    SeedHeaderMutated,

    /// <summary>Random bytes as a JSON or binary header inside a well-sized frame.</summary>
    RandomHeader,

    /// <summary>A serialize type other than JSON (0) or ROCKETMQ (1).</summary>
    BadSerializeType,

    /// <summary>A header-length word claiming more than the frame holds.</summary>
    HeaderLengthLie,

    /// <summary>A negative or tiny total length.</summary>
    NegativeLength,

    /// <summary>A total length above the 16 MiB frame limit.</summary>
    OversizedLength,

    /// <summary>A valid frame cut short, then the connection closed.</summary>
    Truncated,

    /// <summary>Random bytes from the first byte on.</summary>
    RandomStream,
}

/// <summary>
/// Seeded generator of hostile remoting frames. Frames of the "sure" kinds (<see cref="FuzzKind.JsonHostile"/>,
/// <see cref="FuzzKind.BinaryHostile"/>, <see cref="FuzzKind.SeedFieldsMutated"/>, <see cref="FuzzKind.SeedBodyMutated"/>)
/// always decode, so the server must answer each request among them; the others may (and mostly do) make
/// the server close the connection, so they end a connection's batch.
/// </summary>
internal sealed class FrameFuzzer
{
    /// <summary>Codes never sent: they change broker-wide state the well-behaved clients rely on (permissions, config, files, registrations).</summary>
    public static readonly HashSet<int> Destructive =
    [
        RequestCode.UpdateBrokerConfig, RequestCode.TriggerDeleteFiles, RequestCode.WipeWritePermOfBroker,
        RequestCode.DeleteTopicInBroker, RequestCode.DeleteTopicInNamesrv, RequestCode.UpdateNamesrvConfig,
        RequestCode.RegisterBroker, RequestCode.UnregisterBroker, RequestCode.CleanExpiredConsumeQueue,
        RequestCode.CleanUnusedTopic, RequestCode.DeleteExpiredCommitlog, RequestCode.AddWritePermOfBroker,
    ];

    private static readonly int[] KnownCodes = typeof(RequestCode).GetFields()
        .Where(f => f.IsLiteral && f.FieldType == typeof(int))
        .Select(f => (int)f.GetRawConstantValue()!)
        .Where(c => !Destructive.Contains(c))
        .ToArray();

    private static readonly string[] FieldNames =
    [
        "topic", "queueId", "consumerGroup", "producerGroup", "queueOffset", "maxMsgNums", "sysFlag", "commitOffset",
        "suspendTimeoutMillis", "subscription", "subVersion", "expressionType", "defaultTopic", "defaultTopicQueueNums",
        "bornTimestamp", "flag", "properties", "reconsumeTimes", "unitMode", "batch", "maxReconsumeTimes",
        "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "clientID", "clientId", "brokerName", "brokerAddr",
        "clusterName", "brokerId", "haServerAddr", "readQueueNums", "writeQueueNums", "perm", "topicFilterType",
        "topicSysFlag", "order", "key", "beginTimestamp", "endTimestamp", "timestamp", "offset", "msgId", "group",
        "originMsgId", "originTopic", "delayLevel", "tranStateTableOffset", "commitLogOffset", "commitOrRollback",
        "fromTransactionCheck", "transactionId", "namespace", "maxNum", "consumerGroupId", "isForce", "zoneName",
    ];

    private static readonly string[] Languages = ["JAVA", "GO", "DOTNET", "CPP", "NODE_JS", "RUST", "java", "", "\u0001", "OTHER", "X"];

    // Topics and groups come mostly from small pools, so creating topics or groups stays bounded over a million frames.
    private static readonly string[] Topics = ["FuzzT0", "FuzzT1", "FuzzT2", "FuzzT3", "%RETRY%FuzzG0", "TBW102", "SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC"];
    private static readonly string[] Groups = ["FuzzG0", "FuzzG1", "FuzzG2", "CID_RMQ_SYS_TRANS", "TOOLS_CONSUMER"];

    private readonly Random _random;
    private readonly IReadOnlyList<RemotingCommand> _seeds;
    private readonly ArrayBufferWriter<byte> _scratch = new(4096);

    public FrameFuzzer(int seed, IReadOnlyList<RemotingCommand> seeds)
    {
        _random = new Random(seed);
        _seeds = seeds;
    }

    public Random Random => _random;

    /// <summary>Picks a decodable kind (JSON-heavy, as real clients).</summary>
    public FuzzKind NextSureKind() => _random.Next(100) switch
    {
        < 40 => FuzzKind.JsonHostile,
        < 60 => FuzzKind.BinaryHostile,
        < 85 => FuzzKind.SeedFieldsMutated,
        _ => FuzzKind.SeedBodyMutated,
    };

    /// <summary>Picks a kind that may make the server close the connection at once.</summary>
    public FuzzKind NextKillerKind() => (FuzzKind)_random.Next((int)FuzzKind.SeedHeaderMutated, (int)FuzzKind.RandomStream + 1);

    /// <summary>
    /// Appends one frame of <paramref name="kind"/> to <paramref name="output"/> with <paramref name="opaque"/>;
    /// returns whether the server owes a response (a request, not oneway) when the frame decodes, and its code.
    /// For <see cref="FuzzKind.Truncated"/> the caller closes after these bytes.
    /// </summary>
    public (bool ExpectsResponse, int Code) Append(FuzzKind kind, int opaque, IBufferWriter<byte> output)
    {
        switch (kind)
        {
            case FuzzKind.JsonHostile:
            case FuzzKind.BinaryHostile:
                {
                    int code = NextCode();
                    int flag = NextFlag();
                    bool binary = kind == FuzzKind.BinaryHostile;
                    if (binary)
                    {
                        code = (short)code;
                    }
                    var fields = new List<(string Key, string Value)>();
                    int count = _random.Next(100) < 97 ? _random.Next(0, 12) : _random.Next(12, 200);
                    for (int i = 0; i < count; i++)
                    {
                        fields.Add((NextFieldName(), NextValue()));
                    }
                    byte[] body = NextBody();
                    string? remark = _random.Next(4) == 0 ? NextValue() : null;
                    if (binary)
                    {
                        WriteBinary(output, code, (byte)_random.Next(256), (short)_random.Next(short.MinValue, short.MaxValue + 1), opaque, flag, remark, fields, body);
                    }
                    else
                    {
                        WriteJson(output, code, Languages[_random.Next(Languages.Length)], NextInt(), opaque, flag, remark, fields, body, rawNumbers: _random.Next(3) == 0);
                    }
                    return (IsAnswerable(flag), code);
                }
            case FuzzKind.SeedFieldsMutated:
                {
                    RemotingCommand seed = _seeds[_random.Next(_seeds.Count)];
                    var fields = new List<(string Key, string Value)>();
                    if (seed.HasExtFields)
                    {
                        for (int i = 0; i < seed.ExtFields.Count; i++)
                        {
                            string key = Encoding.UTF8.GetString(seed.ExtFields.KeyAt(i));
                            string value = Encoding.UTF8.GetString(seed.ExtFields.ValueAt(i));
                            int roll = _random.Next(10);
                            if (roll < 4)
                            {
                                value = NextValue();
                            }
                            else if (roll == 4)
                            {
                                continue; // drop a required field
                            }
                            else if (roll == 5)
                            {
                                value = MutateText(value);
                            }
                            fields.Add((key, value));
                        }
                    }
                    if (_random.Next(5) == 0)
                    {
                        fields.Add((NextFieldName(), NextValue()));
                    }
                    byte[] body = seed.Body.ToArray();
                    if (body.Length > 0 && _random.Next(3) == 0)
                    {
                        MutateBytes(body);
                    }
                    int flag = _random.Next(10) == 0 ? NextFlag() : 0;
                    bool binary = _random.Next(4) == 0 && seed.Code is <= short.MaxValue and >= short.MinValue;
                    if (binary)
                    {
                        WriteBinary(output, seed.Code, (byte)LanguageCode.Java, 409, opaque, flag, null, fields, body);
                    }
                    else
                    {
                        WriteJson(output, seed.Code, "JAVA", 409, opaque, flag, null, fields, body, rawNumbers: false);
                    }
                    return (IsAnswerable(flag), seed.Code);
                }
            case FuzzKind.SeedBodyMutated:
                {
                    RemotingCommand seed = _seeds[_random.Next(_seeds.Count)];
                    var fields = new List<(string Key, string Value)>();
                    if (seed.HasExtFields)
                    {
                        for (int i = 0; i < seed.ExtFields.Count; i++)
                        {
                            fields.Add((Encoding.UTF8.GetString(seed.ExtFields.KeyAt(i)), Encoding.UTF8.GetString(seed.ExtFields.ValueAt(i))));
                        }
                    }
                    byte[] body = seed.Body.Length > 0 ? seed.Body.ToArray() : NextBody();
                    if (body.Length > 0)
                    {
                        MutateBytes(body);
                    }
                    if (_random.Next(4) == 0)
                    {
                        body = body.AsSpan(0, _random.Next(body.Length + 1)).ToArray(); // truncated body, frame still consistent
                    }
                    WriteJson(output, seed.Code, "JAVA", 409, opaque, 0, null, fields, body, rawNumbers: false);
                    return (true, seed.Code);
                }
            case FuzzKind.SeedHeaderMutated:
                {
                    RemotingCommand seed = _seeds[_random.Next(_seeds.Count)];
                    _scratch.ResetWrittenCount();
                    var fields = new List<(string Key, string Value)>();
                    if (seed.HasExtFields)
                    {
                        for (int i = 0; i < seed.ExtFields.Count; i++)
                        {
                            fields.Add((Encoding.UTF8.GetString(seed.ExtFields.KeyAt(i)), Encoding.UTF8.GetString(seed.ExtFields.ValueAt(i))));
                        }
                    }
                    bool binary = _random.Next(3) == 0 && seed.Code is <= short.MaxValue and >= short.MinValue;
                    if (binary)
                    {
                        WriteBinary(_scratch, seed.Code, (byte)LanguageCode.Java, 409, opaque, 0, null, fields, seed.Body.ToArray());
                    }
                    else
                    {
                        WriteJson(_scratch, seed.Code, "JAVA", 409, opaque, 0, null, fields, seed.Body.ToArray(), rawNumbers: false);
                    }
                    byte[] frame = _scratch.WrittenSpan.ToArray();
                    int headerLength = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4)) & 0xFFFFFF;
                    int mutations = 1 + _random.Next(8);
                    for (int i = 0; i < mutations && headerLength > 0; i++)
                    {
                        int at = 8 + _random.Next(headerLength);
                        frame[at] = _random.Next(3) switch
                        {
                            0 => (byte)_random.Next(256),
                            1 => (byte)(frame[at] ^ (1 << _random.Next(8))),
                            _ => "{}[]\",:\\\u0000'"u8[_random.Next(10)],
                        };
                    }
                    output.Write(frame);
                    return (true, seed.Code);
                }
            case FuzzKind.RandomHeader:
                {
                    int headerLength = _random.Next(0, 512);
                    int bodyLength = _random.Next(0, 64);
                    Span<byte> span = output.GetSpan(8 + headerLength + bodyLength);
                    BinaryPrimitives.WriteInt32BigEndian(span, 4 + headerLength + bodyLength);
                    BinaryPrimitives.WriteInt32BigEndian(span[4..], (_random.Next(2) << 24) | headerLength);
                    _random.NextBytes(span.Slice(8, headerLength + bodyLength));
                    if (headerLength > 0 && _random.Next(2) == 0)
                    {
                        span[8] = (byte)'{';
                    }
                    output.Advance(8 + headerLength + bodyLength);
                    return (true, 0);
                }
            case FuzzKind.BadSerializeType:
                {
                    _scratch.ResetWrittenCount();
                    WriteJson(_scratch, RequestCode.GetRouteInfoByTopic, "JAVA", 409, opaque, 0, null, [("topic", "FuzzT0")], [], rawNumbers: false);
                    byte[] frame = _scratch.WrittenSpan.ToArray();
                    frame[4] = (byte)_random.Next(2, 256);
                    output.Write(frame);
                    return (false, 0);
                }
            case FuzzKind.HeaderLengthLie:
                {
                    int bodyLength = _random.Next(0, 64);
                    Span<byte> span = output.GetSpan(8 + bodyLength);
                    BinaryPrimitives.WriteInt32BigEndian(span, 4 + bodyLength);
                    int claim = _random.Next(2) == 0 ? 0xFFFFFF : bodyLength + 1 + _random.Next(1000);
                    BinaryPrimitives.WriteInt32BigEndian(span[4..], (_random.Next(2) << 24) | claim);
                    _random.NextBytes(span.Slice(8, bodyLength));
                    output.Advance(8 + bodyLength);
                    return (false, 0);
                }
            case FuzzKind.NegativeLength:
                {
                    Span<byte> span = output.GetSpan(8);
                    BinaryPrimitives.WriteInt32BigEndian(span, _random.Next(2) == 0 ? -_random.Next(1, int.MaxValue) : _random.Next(0, 4));
                    BinaryPrimitives.WriteInt32BigEndian(span[4..], _random.Next());
                    output.Advance(8);
                    return (false, 0);
                }
            case FuzzKind.OversizedLength:
                {
                    Span<byte> span = output.GetSpan(8);
                    BinaryPrimitives.WriteInt32BigEndian(span, _random.Next(FrameCodec.DefaultMaxFrameLength - 3, int.MaxValue));
                    BinaryPrimitives.WriteInt32BigEndian(span[4..], 100);
                    output.Advance(8);
                    return (false, 0);
                }
            case FuzzKind.Truncated:
                {
                    RemotingCommand seed = _seeds[_random.Next(_seeds.Count)];
                    _scratch.ResetWrittenCount();
                    WriteJson(_scratch, seed.Code, "JAVA", 409, opaque, 0, null, [], seed.Body.ToArray(), rawNumbers: false);
                    int cut = _random.Next(1, _scratch.WrittenCount);
                    output.Write(_scratch.WrittenSpan[..cut]);
                    return (false, 0);
                }
            default:
                {
                    int length = _random.Next(1, 4096);
                    Span<byte> span = output.GetSpan(length);
                    _random.NextBytes(span[..length]);
                    output.Advance(length);
                    return (false, 0);
                }
        }
    }

    private static bool IsAnswerable(int flag) => (flag & (RemotingCommand.ResponseFlag | RemotingCommand.OnewayFlag)) == 0;

    private int NextCode() => _random.Next(100) switch
    {
        < 85 => KnownCodes[_random.Next(KnownCodes.Length)],
        < 95 => _random.Next(-1000, 1000),
        _ => _random.Next(int.MinValue, int.MaxValue),
    };

    private int NextFlag() => _random.Next(100) switch
    {
        < 80 => 0,
        < 90 => RemotingCommand.OnewayFlag,
        < 97 => RemotingCommand.ResponseFlag,
        _ => _random.Next() & ~RemotingCommand.ResponseFlag & ~RemotingCommand.OnewayFlag,
    };

    private int NextInt() => _random.Next(4) switch
    {
        0 => 0,
        1 => -1,
        2 => _random.Next(),
        _ => int.MinValue,
    };

    private string NextFieldName() => _random.Next(10) == 0 ? RandomText(1, 20) : FieldNames[_random.Next(FieldNames.Length)];

    /// <summary>A hostile value: numbers at the edges, non-numbers, pool names, huge or weird strings.</summary>
    private string NextValue() => _random.Next(22) switch
    {
        0 => "",
        1 => "-1",
        2 => "0",
        3 => long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        4 => long.MinValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        5 => int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        6 => "99999999999999999999999999",
        7 => "1.5e300",
        8 => "true",
        9 => "NaN",
        10 => Topics[_random.Next(Topics.Length)],
        11 => Groups[_random.Next(Groups.Length)],
        12 => _random.Next(50) == 0 ? new string('x', _random.Next(256, 40_000)) : new string('y', _random.Next(16, 256)),
        13 => "TAGS\u0001TagA\u0002KEYS\u0001k\u0002" + RandomText(0, 50),
        14 => "\u0001\u0002\u0001\u0002",
        15 => "*",
        16 => "TagA || TagB || " + RandomText(0, 30),
        17 => "127.0.0.1:" + _random.Next(-5, 70000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        18 => "{\"a\":[1,2,{\"b\":null}]}",
        19 => "0A090F2800002A9F0000229E897CF382",
        20 => _random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => RandomText(0, 64),
    };

    private byte[] NextBody() => _random.Next(10) switch
    {
        < 5 => [],
        < 7 => RandomBytes(_random.Next(1, 512)),
        7 => Encoding.UTF8.GetBytes("{\"consumerDataSet\":[{\"groupName\":\"" + Groups[_random.Next(Groups.Length)] + "\",\"subscriptionDataSet\":[{\"topic\":\"" + Topics[_random.Next(Topics.Length)] + "\",\"subString\":\"*\",\"tagsSet\":[],\"codeSet\":[],\"subVersion\":" + NextInt().ToString(System.Globalization.CultureInfo.InvariantCulture) + "}]}],\"clientID\":\"" + RandomText(0, 20) + "\",\"producerDataSet\":[]}"),
        8 => Encoding.UTF8.GetBytes("{\"mqSet\":[{\"topic\":\"FuzzT0\",\"brokerName\":\"broker-a\",\"queueId\":" + NextInt().ToString(System.Globalization.CultureInfo.InvariantCulture) + "}],\"consumerGroup\":\"FuzzG0\",\"clientId\":\"x\"}"),
        _ => Encoding.UTF8.GetBytes("{\"" + RandomText(0, 8) + "\":[" + new string('[', _random.Next(0, 300)) + "]}"),
    };

    private byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string RandomText(int min, int max)
    {
        int length = _random.Next(min, max + 1);
        var builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.Append(_random.Next(6) switch
            {
                0 => (char)_random.Next(0, 32),
                1 => (char)_random.Next(0x80, 0x800),
                2 => (char)_random.Next(0xD800, 0xE000), // lone surrogates become U+FFFD in UTF-8
                3 => "\"\\'{}[],:%|"[_random.Next(11)],
                _ => (char)_random.Next(32, 127),
            });
        }
        return builder.ToString();
    }

    private string MutateText(string value)
    {
        if (value.Length == 0)
        {
            return RandomText(1, 8);
        }
        char[] chars = value.ToCharArray();
        chars[_random.Next(chars.Length)] = (char)_random.Next(0, 0x800);
        return new string(chars);
    }

    private void MutateBytes(byte[] bytes)
    {
        int mutations = 1 + _random.Next(Math.Min(16, bytes.Length));
        for (int i = 0; i < mutations; i++)
        {
            bytes[_random.Next(bytes.Length)] = (byte)_random.Next(256);
        }
    }

    /// <summary>A JSON-header frame; strings escaped as strict JSON except 0x01/0x02, raw like NewLife's.</summary>
    public static void WriteJson(IBufferWriter<byte> output, int code, string language, int version, int opaque, int flag, string? remark,
        List<(string Key, string Value)> fields, byte[] body, bool rawNumbers)
    {
        var header = new StringBuilder(128);
        header.Append("{\"code\":").Append(code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (fields.Count > 0)
        {
            header.Append(",\"extFields\":{");
            for (int i = 0; i < fields.Count; i++)
            {
                if (i > 0)
                {
                    header.Append(',');
                }
                AppendString(header, fields[i].Key);
                header.Append(':');
                string value = fields[i].Value;
                if (rawNumbers && value.Length > 0 && value.Length < 20 && IsNumberOrBoolean(value))
                {
                    header.Append(value);
                }
                else
                {
                    AppendString(header, value);
                }
            }
            header.Append('}');
        }
        header.Append(",\"flag\":").Append(flag.ToString(System.Globalization.CultureInfo.InvariantCulture));
        header.Append(",\"language\":");
        AppendString(header, language);
        header.Append(",\"opaque\":").Append(opaque.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (remark is not null)
        {
            header.Append(",\"remark\":");
            AppendString(header, remark);
        }
        header.Append(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":").Append(version.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('}');
        int headerLength = Encoding.UTF8.GetByteCount(header.ToString());
        Span<byte> span = output.GetSpan(8 + headerLength);
        BinaryPrimitives.WriteInt32BigEndian(span, 4 + headerLength + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], headerLength);
        Encoding.UTF8.GetBytes(header.ToString(), span[8..]);
        output.Advance(8 + headerLength);
        output.Write(body);
    }

    /// <summary>A ROCKETMQ binary-header frame (empty keys/values are legal on the wire and read as absent).</summary>
    public static void WriteBinary(IBufferWriter<byte> output, int code, byte language, short version, int opaque, int flag, string? remark,
        List<(string Key, string Value)> fields, byte[] body)
    {
        byte[] remarkBytes = remark is null ? [] : Encoding.UTF8.GetBytes(remark);
        int ext = 0;
        var encoded = new List<(byte[] Key, byte[] Value)>(fields.Count);
        foreach ((string key, string value) in fields)
        {
            byte[] k = Encoding.UTF8.GetBytes(key.Length > 1000 ? key[..1000] : key);
            byte[] v = Encoding.UTF8.GetBytes(value);
            encoded.Add((k, v));
            ext += 2 + k.Length + 4 + v.Length;
        }
        int headerLength = BinaryHeaderCodec.FixedLength + remarkBytes.Length + ext;
        Span<byte> span = output.GetSpan(8 + headerLength);
        BinaryPrimitives.WriteInt32BigEndian(span, 4 + headerLength + body.Length);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], (1 << 24) | headerLength);
        Span<byte> h = span[8..];
        BinaryPrimitives.WriteInt16BigEndian(h, (short)code);
        h[2] = language;
        BinaryPrimitives.WriteInt16BigEndian(h[3..], version);
        BinaryPrimitives.WriteInt32BigEndian(h[5..], opaque);
        BinaryPrimitives.WriteInt32BigEndian(h[9..], flag);
        BinaryPrimitives.WriteInt32BigEndian(h[13..], remarkBytes.Length);
        remarkBytes.CopyTo(h[17..]);
        int pos = 17 + remarkBytes.Length;
        BinaryPrimitives.WriteInt32BigEndian(h[pos..], ext);
        pos += 4;
        foreach ((byte[] k, byte[] v) in encoded)
        {
            BinaryPrimitives.WriteInt16BigEndian(h[pos..], (short)k.Length);
            k.CopyTo(h[(pos + 2)..]);
            pos += 2 + k.Length;
            BinaryPrimitives.WriteInt32BigEndian(h[pos..], v.Length);
            v.CopyTo(h[(pos + 4)..]);
            pos += 4 + v.Length;
        }
        output.Advance(8 + headerLength);
        output.Write(body);
    }

    private static bool IsNumberOrBoolean(string value)
    {
        if (value is "true" or "false")
        {
            return true;
        }
        int start = value[0] == '-' ? 1 : 0;
        if (start == value.Length)
        {
            return false;
        }
        for (int i = start; i < value.Length; i++)
        {
            if (value[i] is < '0' or > '9')
            {
                return false;
            }
        }
        return true;
    }

    private static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\u0001':
                case '\u0002':
                    builder.Append(c);
                    break;
                case < ' ':
                    builder.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        builder.Append('"');
    }
}
