using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mq.Protocol;

/// <summary>
/// One remoting frame (RocketMQ <c>RemotingCommand</c>): code, language, version, opaque, flag, remark,
/// extFields and body. Ownership: a decoded command owns its pooled frame buffer (extFields and body
/// point into it); an outgoing command owns its extFields buffer and, if given, the body's owner.
/// <see cref="Dispose"/> returns everything to the pools; the transport disposes commands it sends
/// and requests once their handler completes, so copy what must outlive them or <see cref="Retain"/>.
/// Commands are pooled: the last <see cref="Dispose"/> hands the object (with its extFields and their
/// entry table) back for the next frame, so a request/response round trip allocates no command objects
/// in steady state. Touching a command after its last <see cref="Dispose"/> is therefore a defect, as it
/// is for a buffer returned to <see cref="ArrayPool{T}"/>.
/// </summary>
internal sealed class RemotingCommand : IDisposable
{
    /// <summary>Flag bit 0: the frame is a response.</summary>
    public const int ResponseFlag = 0x1;

    /// <summary>Flag bit 1: a request that expects no response.</summary>
    public const int OnewayFlag = 0x2;

    private ExtFields? _extFields;
    private byte[]? _frame;
    private IDisposable? _bodyOwner;
    private IReadOnlyList<ReadOnlyMemory<byte>>? _bodySegments;
    private int _bodySegmentsLength;
    private Utf8StringCache? _cache;
    private int _references = 1;

    /// <summary>
    /// Enough for every command alive at once under heavy load (requests in flight, queued answers,
    /// suspended pulls) on a few connections; beyond it disposed commands are left to the GC.
    /// </summary>
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<RemotingCommand> Pool = new();
    private static int _pooled;

    /// <summary>Request code, or response code in a response.</summary>
    public int Code { get; set; }

    /// <summary>The sender's language.</summary>
    public LanguageCode Language { get; set; } = LanguageCode.DotNet;

    /// <summary>The sender's version ordinal.</summary>
    public int Version { get; set; } = RemotingVersion.Current;

    /// <summary>Correlation id; a response carries its request's.</summary>
    public int Opaque { get; set; }

    /// <summary>Bit field: <see cref="ResponseFlag"/>, <see cref="OnewayFlag"/>.</summary>
    public int Flag { get; set; }

    /// <summary>Optional text; the error message in a failed response.</summary>
    public string? Remark { get; set; }

    /// <summary>Header serialisation used on the wire.</summary>
    public SerializeType SerializeType { get; set; }

    /// <summary>The body (empty when none); backed by the frame buffer or by the body owner.</summary>
    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>
    /// The body's slices when it was set with <see cref="SetBody(IReadOnlyList{ReadOnlyMemory{byte}}, int, IDisposable?)"/>
    /// (then <see cref="Body"/> is empty); null otherwise.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>>? BodySegments => _bodySegments;

    /// <summary>Body length in bytes, whichever way the body was set.</summary>
    public int BodyLength => _bodySegments is null ? Body.Length : _bodySegmentsLength;

    /// <summary>Whether this is a response (flag bit 0).</summary>
    public bool IsResponse => (Flag & ResponseFlag) != 0;

    /// <summary>Whether this is a oneway request (flag bit 1).</summary>
    public bool IsOneway => (Flag & OnewayFlag) != 0;

    /// <summary>Whether extFields are present (JSON omits the key when there are none).</summary>
    public bool HasExtFields => _extFields is { Count: > 0 };

    /// <summary>The extFields (created on first use; a decoded command's point into its frame).</summary>
    public ExtFields ExtFields
    {
        get
        {
            if (_extFields is null)
            {
                _extFields = new ExtFields { Cache = _cache };
                if (_frame is not null)
                {
                    _extFields.AttachDecoded(_frame);
                }
            }
            return _extFields;
        }
    }

    /// <summary>A request with our language and version, to be sent with <paramref name="serializeType"/>.</summary>
    public static RemotingCommand CreateRequest(int code, SerializeType serializeType = SerializeType.Json)
    {
        RemotingCommand command = Rent();
        command.Code = code;
        command.SerializeType = serializeType;
        return command;
    }

    /// <summary>A request whose extFields are encoded from <paramref name="header"/>.</summary>
    public static RemotingCommand CreateRequest(int code, ICommandHeader header, SerializeType serializeType = SerializeType.Json)
    {
        var command = CreateRequest(code, serializeType);
        header.Encode(command.ExtFields);
        return command;
    }

    /// <summary>
    /// A response to <paramref name="request"/>: same opaque and serialisation, response flag set.
    /// </summary>
    public static RemotingCommand CreateResponse(RemotingCommand request, int code, string? remark = null) =>
        CreateResponse(request.Opaque, request.SerializeType, code, remark);

    /// <summary>A response for a request known by its opaque and serialisation (answering later).</summary>
    public static RemotingCommand CreateResponse(int opaque, SerializeType serializeType, int code, string? remark = null)
    {
        RemotingCommand command = Rent();
        command.Code = code;
        command.Opaque = opaque;
        command.SerializeType = serializeType;
        command.Flag = ResponseFlag;
        command.Remark = remark;
        return command;
    }

    /// <summary>An empty command (our language and version, JSON), from the pool when one is there.</summary>
    internal static RemotingCommand Rent()
    {
        if (Pool.TryDequeue(out RemotingCommand? command))
        {
            Interlocked.Decrement(ref _pooled);
            command._references = 1;
            return command;
        }
        return new RemotingCommand();
    }

    /// <summary>Marks this command as a response.</summary>
    public void MarkResponse() => Flag |= ResponseFlag;

    /// <summary>Marks this request as oneway.</summary>
    public void MarkOneway() => Flag |= OnewayFlag;

    /// <summary>
    /// Sets the body. When <paramref name="owner"/> is given, it is disposed with the command (after the
    /// frame has been written), e.g. an <see cref="IMemoryOwner{T}"/> from a pool.
    /// </summary>
    public void SetBody(ReadOnlyMemory<byte> body, IDisposable? owner = null)
    {
        ReleaseBody();
        Body = body;
        _bodyOwner = owner;
    }

    /// <summary>
    /// Sets a body made of several slices written back to back into the frame (a pull response's stored
    /// records, each leased from the store), so no slice is copied before the socket write.
    /// <paramref name="owner"/> is disposed with the command, after the frame has been written.
    /// </summary>
    public void SetBody(IReadOnlyList<ReadOnlyMemory<byte>> segments, int totalLength, IDisposable? owner = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ReleaseBody();
        _bodySegments = segments;
        _bodySegmentsLength = totalLength;
        _bodyOwner = owner;
    }

    /// <summary>Decodes the extFields into <paramref name="header"/>.</summary>
    public T DecodeHeader<T>(T header) where T : ICommandHeader
    {
        header.Decode(ExtFields);
        return header;
    }

    /// <summary>Decodes the extFields into a new <typeparamref name="T"/>.</summary>
    public T DecodeHeader<T>() where T : ICommandHeader, new() => DecodeHeader(new T());

    /// <summary>Returns every pooled buffer and clears the command so it can be reused.</summary>
    public void Reset()
    {
        ReleaseBody();
        _extFields?.Reset();
        if (_frame is not null)
        {
            ArrayPool<byte>.Shared.Return(_frame);
            _frame = null;
        }
        Code = 0;
        Language = LanguageCode.DotNet;
        Version = RemotingVersion.Current;
        Opaque = 0;
        Flag = 0;
        Remark = null;
        SerializeType = SerializeType.Json;
        _cache = null;
        if (_extFields is not null)
        {
            _extFields.Cache = null;
        }
    }

    /// <summary>
    /// Keeps this command's buffers alive past its owner's <see cref="Dispose"/>: each call needs one
    /// more <see cref="Dispose"/>. Returns the command, so it can be handed over as a body owner, e.g.
    /// <c>response.SetBody(request.Body, request.Retain())</c> to answer with the request's bytes, or
    /// kept by a handler that suspends a request (long polling).
    /// </summary>
    public RemotingCommand Retain()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    /// <summary>Releases one reference; the last one returns every pooled buffer.</summary>
    public void Dispose()
    {
        int left = Interlocked.Decrement(ref _references);
        if (left > 0)
        {
            return;
        }
        if (left < 0)
        {
            // A second Dispose of the last reference: the object may already serve another frame, so
            // it must not be reset or pooled twice.
            Debug.Fail("RemotingCommand disposed more often than retained");
            return;
        }
        Reset();
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            Pool.Enqueue(this);
            return;
        }
        Interlocked.Decrement(ref _pooled);
        _extFields?.Dispose();
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"RemotingCommand [code={Code}, language={Language}, version={Version}, opaque={Opaque}, flag(B)={Convert.ToString(Flag, 2)}, remark={Remark}, extFields={_extFields?.Count ?? 0}, serializeTypeCurrentRPC={SerializeType}, body={BodyLength}]";

    /// <summary>Takes ownership of a rented frame buffer for a command being decoded into.</summary>
    internal void AttachFrame(byte[] frame, Utf8StringCache? cache)
    {
        _frame = frame;
        _cache = cache;
        if (_extFields is not null)
        {
            _extFields.AttachDecoded(frame);
            _extFields.Cache = cache;
        }
    }

    /// <summary>Sets a body that lives in the attached frame buffer.</summary>
    internal void SetFrameBody(int start, int length) =>
        Body = length == 0 ? ReadOnlyMemory<byte>.Empty : new ReadOnlyMemory<byte>(_frame, start, length);

    private void ReleaseBody()
    {
        _bodyOwner?.Dispose();
        _bodyOwner = null;
        _bodySegments = null;
        _bodySegmentsLength = 0;
        Body = ReadOnlyMemory<byte>.Empty;
    }
}
