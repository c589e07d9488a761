using System.Buffers;
using BenchmarkDotNet.Attributes;
using Mq.Protocol;
using Mq.Protocol.Headers;

namespace Mq.Benchmarks.Protocol;

/// <summary>
/// Encode (typed header -> extFields -> frame) and decode (frame -> extFields -> typed header) of the
/// hot headers, reusing the command, header and output buffer as the transport does in steady state.
/// Expected: 0 B allocated per operation.
/// </summary>
[MemoryDiagnoser]
public class HeaderCodecBenchmarks
{
    private readonly RemotingCommand _command = new();
    private readonly ArrayBufferWriter<byte> _writer = new(4096);
    private readonly Utf8StringCache _cache = new();
    private ICommandHeader _header = null!;
    private ICommandHeader _decoded = null!;
    private int _code;
    private byte[] _frame = [];

    /// <summary>Which header.</summary>
    [Params("SEND_MESSAGE_V2", "PULL_MESSAGE", "SEND_RESPONSE", "PULL_RESPONSE")]
    public string Header { get; set; } = "SEND_MESSAGE_V2";

    /// <summary>Header serialisation.</summary>
    [Params(SerializeType.Json, SerializeType.RocketMq)]
    public SerializeType Serialization { get; set; }

    /// <summary>Builds the header and its frame.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_header, _decoded, _code) = Header switch
        {
            "SEND_MESSAGE_V2" => ((ICommandHeader)HotHeaders.SendV2(), (ICommandHeader)new SendMessageRequestHeaderV2(), RequestCode.SendMessageV2),
            "PULL_MESSAGE" => (HotHeaders.Pull(), new PullMessageRequestHeader(), RequestCode.PullMessage),
            "SEND_RESPONSE" => (HotHeaders.SendResponse(), new SendMessageResponseHeader(), ResponseCode.Success),
            _ => (HotHeaders.PullResponse(), new PullMessageResponseHeader(), ResponseCode.Success),
        };
        Encode();
        _frame = _writer.WrittenSpan.ToArray();
        Decode();
    }

    /// <summary>Typed header to frame bytes.</summary>
    [Benchmark]
    public int Encode()
    {
        _command.Reset();
        _command.Code = _code;
        _command.SerializeType = Serialization;
        _command.Opaque = 42;
        _header.Encode(_command.ExtFields);
        _writer.ResetWrittenCount();
        FrameCodec.Write(_command, _writer);
        return _writer.WrittenCount;
    }

    /// <summary>Frame bytes to typed header.</summary>
    [Benchmark]
    public int Decode()
    {
        var sequence = new ReadOnlySequence<byte>(_frame);
        FrameCodec.TryParse(ref sequence, _command, FrameCodec.DefaultMaxFrameLength, _cache);
        _decoded.Decode(_command.ExtFields);
        return _command.Opaque;
    }

    /// <summary>Returns the pooled buffers.</summary>
    [GlobalCleanup]
    public void Cleanup() => _command.Dispose();
}
