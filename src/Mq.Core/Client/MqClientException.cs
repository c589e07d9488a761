namespace Mq.Client;

/// <summary>
/// A client operation failed: the broker or NameServer answered an error code (<see cref="ResponseCode"/>,
/// <see cref="Remark"/>), or the client refused the request before sending (<see cref="ResponseCode"/> is
/// then <see cref="ClientErrorCode"/> or the code the broker would have used, e.g. MESSAGE_ILLEGAL).
/// </summary>
public sealed class MqClientException : Exception
{
    /// <summary>The response code used when the failure is not a broker answer (Java <c>ClientErrorCode</c> style).</summary>
    public const int ClientErrorCode = -1;

    /// <summary>Creates the exception.</summary>
    public MqClientException(int responseCode, string? remark, string message, string? address = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ResponseCode = responseCode;
        Remark = remark;
        Address = address;
    }

    /// <summary>The RocketMQ response code (see <see cref="Mq.Protocol.ResponseCode"/>), or <see cref="ClientErrorCode"/>.</summary>
    public int ResponseCode { get; }

    /// <summary>The remark (error text) the server sent, if any.</summary>
    public string? Remark { get; }

    /// <summary>The server address involved, if any.</summary>
    public string? Address { get; }
}
