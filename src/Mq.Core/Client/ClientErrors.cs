using Mq.Protocol;
using Mq.Transport;

namespace Mq.Client;

/// <summary>The one place client exceptions are built, with actionable text.</summary>
internal static class ClientErrors
{
    public static MqClientException FromResponse(RemotingCommand response, string address, string operation) =>
        new(response.Code, response.Remark,
            operation + " failed at " + address + ": CODE " + response.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (response.Remark ?? "(no remark)"),
            address);

    public static MqClientException FromRemoting(RemotingException error, string operation) =>
        error is RemotingResponseException response
            ? new MqClientException(response.ResponseCode, response.Remark, operation + " failed: " + error.Message, error.Address, error)
            : new MqClientException(ResponseCode.SystemError, null, operation + " failed: " + error.Message, error.Address, error);

    public static MqClientException MessageIllegal(string reason) =>
        new(ResponseCode.MessageIllegal, reason, "The message is illegal: " + reason);

    public static MqClientException NoRoute(string topic) =>
        new(ResponseCode.TopicNotExist, "No route info of this topic: " + topic,
            "No route info of topic '" + topic + "': it does not exist and the brokers do not auto-create it (autoCreateTopicEnable=false), or no broker is registered with the NameServers.");

    public static MqClientException NameServersUnavailable(string operation, Exception? last) =>
        new(MqClientException.ClientErrorCode, null, operation + ": no NameServer answered" + (last is null ? "." : ": " + last.Message), null, last);

    public static MqClientException BrokerNotFound(string brokerName) =>
        new(MqClientException.ClientErrorCode, null, "The broker '" + brokerName + "' is not in the client's routes (not registered, or its route is stale).");

    public static MqClientException SendFailed(int attempts, Exception? last, int code) =>
        new(code, (last as MqClientException)?.Remark,
            "Send failed after " + attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) + " attempt(s): " + (last?.Message ?? "no writable queue"), (last as MqClientException)?.Address, last);

    public static InvalidOperationException NotStarted(string what) => new(what + " is not started (call StartAsync) or was stopped.");
}
