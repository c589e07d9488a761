using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Mq.Brokers.Topics;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Transport;

namespace Mq.Brokers.Acl;

/// <summary>
/// The broker's ACL check on every request (RocketMQ 4.9 <c>PlainAccessValidator</c> + <c>PlainPermissionManager.validate</c>),
/// in 4.9's order: a client on the global white list passes; otherwise the request must carry a known AccessKey;
/// a client on that account's white list passes; otherwise the Signature must be the HMAC of the request under the
/// account's secret key; then the admin commands need an admin account, and the topics and groups the request
/// touches need the account's permission on them (its per-resource entries, else its defaults). Sends to the trace
/// topic skip the permission check, as 4.9 does so that traced clients need no grant on it.
/// Refusals are answered SYSTEM_ERROR with an <c>AclException</c> remark, as a 4.9 broker answers them.
/// Deviations from 4.9, all refusing more: SEND_BATCH_MESSAGE is checked like SEND_MESSAGE_V2 (4.9 checks only
/// its signature), and the ACL commands that change or reveal accounts need an admin account.
/// </summary>
internal sealed class PlainAccessValidator(AclTable table) : IRequestGuard
{
    private const string RefusalPrefix = "org.apache.rocketmq.acl.common.AclException: ";
    private const int Base64SignatureLength = 28;

    private volatile AclTable _table = table;

    /// <summary>The table requests are checked against.</summary>
    public AclTable Table
    {
        get => _table;
        set => _table = value;
    }

    /// <inheritdoc />
    public string? Refuse(RemotingConnection connection, RemotingCommand request)
    {
        string? reason = Check(_table, connection.RemoteEndPoint, request);
        return reason is null ? null : RefusalPrefix + reason;
    }

    /// <summary>Null when <paramref name="request"/> from <paramref name="remote"/> is allowed; otherwise why not.</summary>
    internal static string? Check(AclTable table, EndPoint? remote, RemotingCommand request)
    {
        IPAddress? address = (remote as IPEndPoint)?.Address is { } a ? RemoteAddressMatcher.Normalize(a) : null;
        if (address is not null)
        {
            foreach (RemoteAddressMatcher matcher in table.GlobalWhiteList)
            {
                if (matcher.Matches(address))
                {
                    return null;
                }
            }
        }
        ExtFields fields = request.ExtFields;
        string? accessKey = fields.GetString("AccessKey"u8);
        if (accessKey is null)
        {
            return "No accessKey is configured";
        }
        if (!table.Accounts.TryGetValue(accessKey, out AclAccount? account))
        {
            return $"No acl config for {accessKey}";
        }
        if (address is not null && account.WhiteRemoteAddress.Matches(address))
        {
            return null;
        }
        if (!SignatureMatches(request, account))
        {
            return $"Check signature failed for accessKey={accessKey}";
        }
        var needed = new List<(string Resource, byte Perm)>(2);
        try
        {
            CollectResources(request, needed);
        }
        catch (Exception ex) when (ex is RemotingCommandException or Protocol.Json.JsonBodyException)
        {
            return ex.Message;
        }
        foreach ((string resource, byte perm) in needed)
        {
            if (resource == TopicValidator.TraceTopic && perm == AclPermission.Pub)
            {
                return null;
            }
        }
        if (NeedsAdmin(request.Code) && !account.Admin)
        {
            return $"Need admin permission for request code={request.Code}, but accessKey={accessKey} is not";
        }
        if (account.Admin && account.ResourcePerms.Count == 0)
        {
            return null;
        }
        foreach ((string resource, byte perm) in needed)
        {
            bool isGroup = resource.StartsWith(TopicValidator.RetryGroupTopicPrefix, StringComparison.Ordinal);
            byte owned = account.ResourcePerms.TryGetValue(resource, out byte explicitPerm)
                ? explicitPerm
                : isGroup ? account.DefaultGroupPerm : account.DefaultTopicPerm;
            if (!AclPermission.Allows(owned, perm))
            {
                string printed = isGroup ? "group:" + resource[TopicValidator.RetryGroupTopicPrefix.Length..] : "topic:" + resource;
                return $"No default permission for {printed}";
            }
        }
        return null;
    }

    /// <summary>The commands 4.9 reserves for admin accounts, and (stricter) the ACL commands that change or reveal accounts.</summary>
    private static bool NeedsAdmin(int code) => code is RequestCode.UpdateAndCreateTopic or RequestCode.UpdateBrokerConfig
        or RequestCode.DeleteTopicInBroker or RequestCode.UpdateAndCreateSubscriptionGroup or RequestCode.DeleteSubscriptionGroup
        or RequestCode.UpdateAndCreateAclConfig or RequestCode.DeleteAclConfig or RequestCode.UpdateGlobalWhiteAddrsConfig
        or RequestCode.GetBrokerClusterAclConfig;

    private static bool SignatureMatches(RemotingCommand request, AclAccount account)
    {
        if (!request.ExtFields.TryGetValue("Signature"u8, out ReadOnlySpan<byte> given) || given.Length != Base64SignatureLength)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[Base64SignatureLength];
        AclRequestSigner.ComputeSignature(request, account.SecretKeyUtf8, expected[..AclRequestSigner.SignatureLength]);
        Base64.EncodeToUtf8InPlace(expected, AclRequestSigner.SignatureLength, out int written);
        return written == Base64SignatureLength && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>4.9's <c>PlainAccessValidator.parse</c>: the topics (and groups, as retry topics) a request touches, with the permission it needs.</summary>
    private static void CollectResources(RemotingCommand request, List<(string, byte)> needed)
    {
        ExtFields fields = request.ExtFields;
        switch (request.Code)
        {
            case RequestCode.SendMessage:
                AddSend(needed, fields.GetString("topic"u8), fields.GetString("group"u8));
                break;
            case RequestCode.SendMessageV2:
            case RequestCode.SendBatchMessage:
                AddSend(needed, fields.GetString("b"u8), fields.GetString("a"u8));
                break;
            case RequestCode.ConsumerSendMsgBack:
                AddGroup(needed, fields.GetString("group"u8));
                break;
            case RequestCode.PullMessage:
                AddTopic(needed, fields.GetString("topic"u8), AclPermission.Sub);
                AddGroup(needed, fields.GetString("consumerGroup"u8));
                break;
            case RequestCode.QueryMessage:
                AddTopic(needed, fields.GetString("topic"u8), AclPermission.Sub);
                break;
            case RequestCode.HeartBeat:
                foreach (ConsumerData consumer in HeartbeatData.Decode(request.Body.Span).ConsumerDataSet)
                {
                    AddGroup(needed, consumer.GroupName);
                    foreach (SubscriptionData subscription in consumer.SubscriptionDataSet)
                    {
                        AddTopic(needed, subscription.Topic, AclPermission.Sub);
                    }
                }
                break;
            case RequestCode.UnregisterClient:
                AddGroup(needed, fields.GetString("consumerGroup"u8));
                break;
            case RequestCode.GetConsumerListByGroup:
                AddGroup(needed, fields.GetRequiredString("consumerGroup"u8));
                break;
            case RequestCode.UpdateConsumerOffset:
                AddGroup(needed, fields.GetRequiredString("consumerGroup"u8));
                AddTopic(needed, fields.GetRequiredString("topic"u8), AclPermission.Sub);
                break;
        }
    }

    // A send to a retry topic is a consumer's send-back: it needs SUB on the sending group (4.9 reads the group from
    // a field SEND_MESSAGE does not have, so a V1 send-back is checked by signature only, as there).
    private static void AddSend(List<(string, byte)> needed, string? topic, string? group)
    {
        if (topic is not null && topic.StartsWith(TopicValidator.RetryGroupTopicPrefix, StringComparison.Ordinal))
        {
            AddGroup(needed, group);
        }
        else
        {
            AddTopic(needed, topic, AclPermission.Pub);
        }
    }

    private static void AddTopic(List<(string, byte)> needed, string? topic, byte perm)
    {
        if (topic is not null)
        {
            needed.Add((topic, perm));
        }
    }

    private static void AddGroup(List<(string, byte)> needed, string? group)
    {
        if (group is not null)
        {
            needed.Add((TopicValidator.RetryGroupTopicPrefix + group, AclPermission.Sub));
        }
    }
}
