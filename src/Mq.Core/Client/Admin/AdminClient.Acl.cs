using Mq.Protocol;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>The ACL commands (<c>mqadmin updateAclConfig</c>, <c>deleteAclConfig</c>, <c>updateGlobalWhiteAddr</c>, <c>getAclConfig</c>).</summary>
public sealed partial class AdminClient
{
    /// <summary>
    /// Creates an ACL account, or updates one, on every master of <paramref name="clusterName"/> (<c>mqadmin
    /// updateAclConfig -c</c>; the brokers need ACL on, and this client an admin account's keys). For an existing
    /// account, what is left out keeps the broker's value, as 4.9 merges: an empty secret key, default permission or
    /// permission list.
    /// </summary>
    public async Task UpdateAclAccountAsync(PlainAccessConfig account, string clusterName = "DefaultCluster", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentException.ThrowIfNullOrEmpty(account.AccessKey);
        await OnEveryMasterAsync(clusterName, () =>
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.UpdateAndCreateAclConfig);
            ExtFields fields = request.ExtFields;
            fields.Add("accessKey"u8, account.AccessKey);
            AddIfGiven(fields, "secretKey"u8, account.SecretKey);
            AddIfGiven(fields, "whiteRemoteAddress"u8, account.WhiteRemoteAddress);
            AddIfGiven(fields, "defaultTopicPerm"u8, account.DefaultTopicPerm);
            AddIfGiven(fields, "defaultGroupPerm"u8, account.DefaultGroupPerm);
            fields.Add("admin"u8, account.Admin);
            AddIfGiven(fields, "topicPerms"u8, account.TopicPerms.Count > 0 ? string.Join(',', account.TopicPerms) : null);
            AddIfGiven(fields, "groupPerms"u8, account.GroupPerms.Count > 0 ? string.Join(',', account.GroupPerms) : null);
            return request;
        }, "UPDATE_AND_CREATE_ACL_CONFIG " + account.AccessKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes an ACL account on every master of <paramref name="clusterName"/> (<c>mqadmin deleteAclConfig -c</c>).</summary>
    public async Task DeleteAclAccountAsync(string accessKey, string clusterName = "DefaultCluster", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKey);
        await OnEveryMasterAsync(clusterName, () =>
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.DeleteAclConfig);
            request.ExtFields.Add("accessKey"u8, accessKey);
            return request;
        }, "DELETE_ACL_CONFIG " + accessKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the global white list on every master of <paramref name="clusterName"/> (<c>mqadmin updateGlobalWhiteAddr
    /// -c</c>), in <paramref name="aclFile"/> when given (4.9.3+, a broker's ACL file by its full path), else in each
    /// broker's default ACL file.
    /// </summary>
    public async Task UpdateGlobalWhiteAddressesAsync(IEnumerable<string> addresses, string clusterName = "DefaultCluster", string? aclFile = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        string joined = string.Join(',', addresses);
        await OnEveryMasterAsync(clusterName, () =>
        {
            RemotingCommand request = RemotingCommand.CreateRequest(RequestCode.UpdateGlobalWhiteAddrsConfig);
            request.ExtFields.Add("globalWhiteAddrs"u8, joined);
            AddIfGiven(request.ExtFields, "aclFileFullPath"u8, aclFile);
            return request;
        }, "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The ACL accounts and global white list in force on the broker at <paramref name="brokerAddress"/> (<c>mqadmin getAclConfig -b</c>).</summary>
    public async Task<AclConfig> GetAclConfigAsync(string brokerAddress, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(brokerAddress);
        using RemotingCommand response = await BrokerAsync(brokerAddress, RemotingCommand.CreateRequest(RequestCode.GetBrokerClusterAclConfig),
            "GET_BROKER_CLUSTER_ACL_CONFIG", cancellationToken).ConfigureAwait(false);
        return AclConfig.Decode(response.Body.Span);
    }

    private static void AddIfGiven(ExtFields fields, ReadOnlySpan<byte> key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields.Add(key, value);
        }
    }
}
