using Mq.Protocol;

namespace Mq.Transport;

/// <summary>
/// What is needed to answer a request after its handler returned null (long polling, work finished
/// on another thread): the connection, the opaque and the serialisation. Cheap to copy; holds no
/// pooled memory, so it outlives the request.
/// </summary>
internal readonly struct DeferredReply
{
    /// <summary>Captures <paramref name="request"/>'s reply coordinates.</summary>
    public DeferredReply(RemotingConnection connection, RemotingCommand request)
    {
        Connection = connection;
        Opaque = request.Opaque;
        SerializeType = request.SerializeType;
        IsOneway = request.IsOneway;
        RequestCode = request.Code;
    }

    /// <summary>The connection the request came on.</summary>
    public RemotingConnection Connection { get; }

    /// <summary>The request's opaque.</summary>
    public int Opaque { get; }

    /// <summary>The request's serialisation, which the response must use.</summary>
    public SerializeType SerializeType { get; }

    /// <summary>Whether the request was oneway (then nothing is ever sent).</summary>
    public bool IsOneway { get; }

    /// <summary>The request's code.</summary>
    public int RequestCode { get; }

    /// <summary>A response shell with the right opaque and serialisation.</summary>
    public RemotingCommand CreateResponse(int code, string? remark = null) =>
        RemotingCommand.CreateResponse(Opaque, SerializeType, code, remark);

    /// <summary>
    /// Sends <paramref name="response"/> (taking ownership of it). False when the request was oneway or
    /// the connection has closed; the response is disposed either way.
    /// </summary>
    public bool Send(RemotingCommand response)
    {
        if (IsOneway)
        {
            response.Dispose();
            return false;
        }
        response.Opaque = Opaque;
        response.MarkResponse();
        response.SerializeType = SerializeType;
        return Connection.TrySend(response);
    }
}
