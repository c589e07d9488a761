namespace Mq.Transport;

/// <summary>
/// The peer answered with a failure code (Java's <c>MQBrokerException</c>/<c>MQClientException</c>
/// carrying a response code): client layers throw it for codes they do not handle.
/// </summary>
public sealed class RemotingResponseException : RemotingException
{
    /// <summary>Creates the exception.</summary>
    public RemotingResponseException(int responseCode, string? remark, string? address)
        : base("CODE: " + responseCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + "  DESC: " + (remark ?? "null") + (address is null ? string.Empty : "  BROKER: " + address), address)
    {
        ResponseCode = responseCode;
        Remark = remark;
    }

    /// <summary>The response code (see <see cref="Mq.Protocol.ResponseCode"/>).</summary>
    public int ResponseCode { get; }

    /// <summary>The response's remark (error text), if any.</summary>
    public string? Remark { get; }
}
