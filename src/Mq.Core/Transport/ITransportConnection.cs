using System.IO.Pipelines;
using System.Net;

namespace Mq.Transport;

/// <summary>
/// One byte-stream connection: the application reads <see cref="Transport"/>.Input and writes its
/// Output. Completing Output sends what is queued and then closes the sending side; the Input
/// completes when the peer closes or the connection is aborted.
/// </summary>
internal interface ITransportConnection : IAsyncDisposable
{
    /// <summary>A short id for logs.</summary>
    string Id { get; }

    /// <summary>The application's side of the pipes.</summary>
    IDuplexPipe Transport { get; }

    /// <summary>Our end, when known.</summary>
    EndPoint? LocalEndPoint { get; }

    /// <summary>The peer's end (IPv4-mapped addresses already normalised to IPv4).</summary>
    EndPoint? RemoteEndPoint { get; }

    /// <summary>Closes the connection at once; pending and further I/O fail.</summary>
    void Abort();
}
