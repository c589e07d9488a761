using System.Buffers;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Mq.Benchmarks.Protocol;
using Mq.Brokers.Acl;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;

namespace Mq.Benchmarks.Brokers;

/// <summary>
/// What a broker with aclEnable adds to every request: <see cref="PlainAccessValidator"/> on a signed SEND_MESSAGE_V2
/// or PULL_MESSAGE as the server decodes it (signature recomputed over the fields and body, then the topic and
/// group permissions). Baseline: decoding the same frame's header, which every request pays with or without ACL.
/// </summary>
[MemoryDiagnoser]
public class AclCheckBenchmarks
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("10.0.0.5"), 50000);
    private readonly RemotingCommand _command = new();
    private readonly Utf8StringCache _cache = new();
    private AclTable _table = null!;
    private ICommandHeader _decoded = null!;
    private byte[] _frame = [];

    /// <summary>Which request.</summary>
    [Params("SEND_MESSAGE_V2", "PULL_MESSAGE")]
    public string Request { get; set; } = "SEND_MESSAGE_V2";

    /// <summary>Builds the account table and the signed frame.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _table = AclTable.Compile(new AclConfig
        {
            PlainAccessConfigs =
            {
                new PlainAccessConfig
                {
                    AccessKey = "app-account", SecretKey = "app-secret-key", DefaultTopicPerm = "DENY", DefaultGroupPerm = "SUB",
                    TopicPerms = ["TopicTest=PUB|SUB", "Other=SUB"],
                },
            },
        });
        bool send = Request == "SEND_MESSAGE_V2";
        (ICommandHeader header, _decoded, int code) = send
            ? ((ICommandHeader)HotHeaders.SendV2(), (ICommandHeader)new SendMessageRequestHeaderV2(), RequestCode.SendMessageV2)
            : (HotHeaders.Pull(), new PullMessageRequestHeader(), RequestCode.PullMessage);
        using var request = RemotingCommand.CreateRequest(code, header);
        if (send)
        {
            request.SetBody(new byte[100]);
        }
        AclRequestSigner.Sign(request, "app-account", Encoding.UTF8.GetBytes("app-secret-key"), null);
        var writer = new ArrayBufferWriter<byte>(4096);
        FrameCodec.Write(request, writer);
        _frame = writer.WrittenSpan.ToArray();
        Parse();
        if (PlainAccessValidator.Check(_table, Client, _command) is { } refusal)
        {
            throw new InvalidOperationException("the benchmark request is refused: " + refusal);
        }
    }

    /// <summary>Frame to typed header: what every request costs anyway.</summary>
    [Benchmark(Baseline = true)]
    public int DecodeHeader()
    {
        Parse();
        _decoded.Decode(_command.ExtFields);
        return _command.Opaque;
    }

    /// <summary>The ACL check of the decoded request.</summary>
    [Benchmark]
    public string? Check() => PlainAccessValidator.Check(_table, Client, _command);

    private void Parse()
    {
        var sequence = new ReadOnlySequence<byte>(_frame);
        FrameCodec.TryParse(ref sequence, _command, FrameCodec.DefaultMaxFrameLength, _cache);
    }

    /// <summary>Returns the pooled buffers.</summary>
    [GlobalCleanup]
    public void Cleanup() => _command.Dispose();
}
