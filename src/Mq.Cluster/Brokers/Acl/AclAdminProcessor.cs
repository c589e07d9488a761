using System.Text;
using Mq.Brokers.Processors;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Transport;

namespace Mq.Brokers.Acl;

/// <summary>
/// The ACL admin commands of RocketMQ 4.9's <c>AdminBrokerProcessor</c> (<c>mqadmin updateAclConfig</c>,
/// <c>deleteAclConfig</c>, <c>updateGlobalWhiteAddr</c>, <c>clusterAclConfigVersion</c>, <c>getAclConfig</c>).
/// Changes are written to the ACL file when there is one and take effect for the next request. On a broker without
/// ACL they are answered with an error that says so (4.9 fails them on a missing validator).
/// </summary>
internal sealed class AclAdminProcessor(Broker broker) : IBrokerProcessor
{
    public void Register(RemotingServer server)
    {
        foreach (int code in (ReadOnlySpan<int>)[
            RequestCode.UpdateAndCreateAclConfig, RequestCode.DeleteAclConfig, RequestCode.GetBrokerClusterAclInfo,
            RequestCode.UpdateGlobalWhiteAddrsConfig, RequestCode.GetBrokerClusterAclConfig])
        {
            server.RegisterHandler(code, this);
        }
    }

    public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        AclManager? acl = broker.Acl;
        RemotingCommand response = request.Code switch
        {
            RequestCode.UpdateAndCreateAclConfig => Change(request, acl, ResponseCode.UpdateAndCreateAclConfigFailed, UpdateAccount),
            RequestCode.DeleteAclConfig => Change(request, acl, ResponseCode.DeleteAclConfigFailed, DeleteAccount),
            RequestCode.UpdateGlobalWhiteAddrsConfig => Change(request, acl, ResponseCode.UpdateGlobalWhiteAddrsConfigFailed, UpdateGlobalWhiteList),
            RequestCode.GetBrokerClusterAclInfo => acl is null ? NotEnabled(request, ResponseCode.SystemError) : Versions(request, acl),
            _ => acl is null ? NotEnabled(request, ResponseCode.SystemError) : WithBody(request, acl.Snapshot()),
        };
        return new ValueTask<RemotingCommand?>(response);
    }

    private static RemotingCommand Change(RemotingCommand request, AclManager? acl, int failedCode, Func<RemotingCommand, AclManager, string?> change)
    {
        if (acl is null)
        {
            return NotEnabled(request, failedCode);
        }
        try
        {
            string? failure = change(request, acl);
            return failure is null
                ? RemotingCommand.CreateResponse(request, ResponseCode.Success)
                : RemotingCommand.CreateResponse(request, failedCode, failure);
        }
        catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException or RemotingCommandException)
        {
            return RemotingCommand.CreateResponse(request, failedCode, ex.Message);
        }
    }

    private static string? UpdateAccount(RemotingCommand request, AclManager acl)
    {
        ExtFields fields = request.ExtFields;
        string? topicPerms = fields.GetString("topicPerms"u8);
        string? groupPerms = fields.GetString("groupPerms"u8);
        var account = new PlainAccessConfig
        {
            AccessKey = fields.GetString("accessKey"u8) ?? string.Empty,
            SecretKey = fields.GetString("secretKey"u8) ?? string.Empty,
            WhiteRemoteAddress = fields.GetString("whiteRemoteAddress"u8),
            Admin = fields.GetBoolean("admin"u8) ?? false,
            DefaultTopicPerm = fields.GetString("defaultTopicPerm"u8),
            DefaultGroupPerm = fields.GetString("defaultGroupPerm"u8),
            TopicPerms = SplitList(topicPerms),
            GroupPerms = SplitList(groupPerms),
        };
        acl.UpdateAccount(account, hasTopicPerms: topicPerms is not null, hasGroupPerms: groupPerms is not null);
        return null;
    }

    private static string? DeleteAccount(RemotingCommand request, AclManager acl)
    {
        string accessKey = request.ExtFields.GetRequiredString("accessKey"u8);
        return acl.DeleteAccount(accessKey)
            ? null
            : $"The accesskey[{accessKey}] corresponding to accessConfig has been deleted failed.";
    }

    private static string? UpdateGlobalWhiteList(RemotingCommand request, AclManager acl)
    {
        acl.UpdateGlobalWhiteList(SplitList(request.ExtFields.GetString("globalWhiteAddrs"u8)), request.ExtFields.GetString("aclFileFullPath"u8));
        return null;
    }

    /// <summary>GET_BROKER_CLUSTER_ACL_INFO: the default file's version, and each ACL file's.</summary>
    private RemotingCommand Versions(RemotingCommand request, AclManager acl)
    {
        List<(string File, DataVersion Version)> versions = acl.FileVersions();
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        ExtFields fields = response.ExtFields;
        fields.Add("version"u8, Encoding.UTF8.GetString(versions[^1].Version.Encode()));
        var files = new StringBuilder("{");
        foreach ((string file, DataVersion fileVersion) in versions)
        {
            files.Append(files.Length > 1 ? "," : string.Empty).Append(JsonString(file)).Append(':').Append(Encoding.UTF8.GetString(fileVersion.Encode()));
        }
        fields.Add("allAclFileVersion"u8, files.Append('}').ToString());
        fields.Add("brokerName"u8, broker.Options.BrokerName);
        fields.Add("brokerAddr"u8, broker.Address);
        fields.Add("clusterName"u8, broker.Options.BrokerClusterName);
        return response;
    }

    private static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    /// <summary>RocketMQ <c>UtilAll.split</c>: comma-separated, entries trimmed, empty ones dropped.</summary>
    private static List<string> SplitList(string? text) =>
        text is null ? [] : [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static RemotingCommand WithBody(RemotingCommand request, AclConfig body)
    {
        RemotingCommand response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.SetBody(body.Encode());
        return response;
    }

    private static RemotingCommand NotEnabled(RemotingCommand request, int code) =>
        RemotingCommand.CreateResponse(request, code, "ACL is not enabled on this broker (aclEnable=false)");
}
