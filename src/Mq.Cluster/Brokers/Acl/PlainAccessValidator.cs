using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
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

    private volatile AclTable _table = table;

    /// <summary>The table requests are checked against.</summary>
    public AclTable Table
    {
        get => _table;
        set => _table = value;
    }

    private long _refusals;

    /// <summary>Requests refused so far (the <c>mq.broker.acl.refused</c> counter).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <inheritdoc />
    public string? Refuse(RemotingConnection connection, RemotingCommand request)
    {
        string? reason = Check(_table, connection.RemoteEndPoint, request);
        if (reason is null)
        {
            return null;
        }
        Interlocked.Increment(ref _refusals);
        return RefusalPrefix + reason;
    }

    /// <summary>
    /// Null when <paramref name="request"/> from <paramref name="remote"/> is allowed; otherwise why not. Allocates
    /// nothing for an allowed request but a heartbeat (whose body is decoded): names are compared as spans.
    /// </summary>
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
        if (!fields.TryGetValue("AccessKey"u8, out ReadOnlySpan<byte> accessKeyUtf8))
        {
            return "No accessKey is configured";
        }
        if (!table.TryFindAccount(accessKeyUtf8, out AclAccount? account))
        {
            return $"No acl config for {Encoding.UTF8.GetString(accessKeyUtf8)}";
        }
        if (address is not null && account.WhiteRemoteAddress.Matches(address))
        {
            return null;
        }
        if (!SignatureMatches(request, account))
        {
            return $"Check signature failed for accessKey={account.AccessKey}";
        }
        if (IsTraceRecordSend(request))
        {
            return null;
        }
        if (NeedsAdmin(request.Code) && !account.Admin)
        {
            return $"Need admin permission for request code={request.Code}, but accessKey={account.AccessKey} is not";
        }
        if (account.Admin && account.ResourcePerms.Count == 0)
        {
            return null;
        }
        try
        {
            return CheckResources(request, account);
        }
        catch (Exception ex) when (ex is RemotingCommandException or Protocol.Json.JsonBodyException)
        {
            return ex.Message;
        }
    }

    /// <summary>The commands 4.9 reserves for admin accounts, and (stricter) the ACL commands that change or reveal accounts.</summary>
    private static bool NeedsAdmin(int code) => code is RequestCode.UpdateAndCreateTopic or RequestCode.UpdateBrokerConfig
        or RequestCode.DeleteTopicInBroker or RequestCode.UpdateAndCreateSubscriptionGroup or RequestCode.DeleteSubscriptionGroup
        or RequestCode.UpdateAndCreateAclConfig or RequestCode.DeleteAclConfig or RequestCode.UpdateGlobalWhiteAddrsConfig
        or RequestCode.GetBrokerClusterAclConfig;

    private static bool SignatureMatches(RemotingCommand request, AclAccount account)
    {
        if (!request.ExtFields.TryGetValue("Signature"u8, out ReadOnlySpan<byte> given) || given.Length != AclRequestSigner.Base64SignatureLength)
        {
            return false;
        }
        Span<byte> expected = stackalloc byte[AclRequestSigner.Base64SignatureLength];
        byte[] content = AclRequestSigner.RentSignedContent(request, out int length);
        try
        {
            account.Sign(content.AsSpan(0, length), expected[..AclRequestSigner.SignatureLength]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
        Base64.EncodeToUtf8InPlace(expected, AclRequestSigner.SignatureLength, out int written);
        return written == AclRequestSigner.Base64SignatureLength && CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>4.9 skips the permission check of a send whose only resource is the trace topic (traced clients need no grant on it).</summary>
    private static bool IsTraceRecordSend(RemotingCommand request)
    {
        ReadOnlySpan<byte> topicKey = request.Code switch
        {
            RequestCode.SendMessage => "topic"u8,
            RequestCode.SendMessageV2 or RequestCode.SendBatchMessage => "b"u8,
            _ => default,
        };
        return !topicKey.IsEmpty && request.ExtFields.TryGetValue(topicKey, out ReadOnlySpan<byte> topic) && topic.SequenceEqual(TraceTopicUtf8);
    }

    private static ReadOnlySpan<byte> TraceTopicUtf8 => "RMQ_SYS_TRACE_TOPIC"u8;

    /// <summary>
    /// 4.9's <c>PlainAccessValidator.parse</c> and <c>checkPerm</c> in one pass: each topic (or group, by its retry
    /// topic) the request touches, against the permission it needs; the first one refused is the answer.
    /// </summary>
    private static string? CheckResources(RemotingCommand request, AclAccount account)
    {
        ExtFields fields = request.ExtFields;
        switch (request.Code)
        {
            case RequestCode.SendMessage:
                return CheckSend(account, fields, "topic"u8, "group"u8);
            case RequestCode.SendMessageV2:
            case RequestCode.SendBatchMessage:
                return CheckSend(account, fields, "b"u8, "a"u8);
            case RequestCode.ConsumerSendMsgBack:
                return CheckGroup(account, fields, "group"u8);
            case RequestCode.PullMessage:
                return CheckTopic(account, fields, "topic"u8, AclPermission.Sub) ?? CheckGroup(account, fields, "consumerGroup"u8);
            case RequestCode.QueryMessage:
                return CheckTopic(account, fields, "topic"u8, AclPermission.Sub);
            case RequestCode.HeartBeat:
                foreach (ConsumerData consumer in HeartbeatData.Decode(request.Body.Span).ConsumerDataSet)
                {
                    if (Check(account, consumer.GroupName, isGroup: true, AclPermission.Sub) is { } refused)
                    {
                        return refused;
                    }
                    foreach (SubscriptionData subscription in consumer.SubscriptionDataSet)
                    {
                        if (Check(account, subscription.Topic, isGroup: false, AclPermission.Sub) is { } refusedTopic)
                        {
                            return refusedTopic;
                        }
                    }
                }
                return null;
            case RequestCode.UnregisterClient:
                return CheckGroup(account, fields, "consumerGroup"u8);
            case RequestCode.GetConsumerListByGroup:
                fields.GetRequiredString("consumerGroup"u8);
                return CheckGroup(account, fields, "consumerGroup"u8);
            case RequestCode.UpdateConsumerOffset:
                fields.GetRequiredString("consumerGroup"u8);
                fields.GetRequiredString("topic"u8);
                return CheckGroup(account, fields, "consumerGroup"u8) ?? CheckTopic(account, fields, "topic"u8, AclPermission.Sub);
            default:
                return null;
        }
    }

    // A send to a retry topic is a consumer's send-back: it needs SUB on the sending group (4.9 reads the group from
    // a field SEND_MESSAGE does not have, so a V1 send-back is checked by signature only, as there).
    private static string? CheckSend(AclAccount account, ExtFields fields, ReadOnlySpan<byte> topicKey, ReadOnlySpan<byte> groupKey)
    {
        if (!fields.TryGetValue(topicKey, out ReadOnlySpan<byte> topic))
        {
            return null;
        }
        return topic.StartsWith(RetryPrefixUtf8) ? CheckGroup(account, fields, groupKey) : Check(account, topic, isGroup: false, AclPermission.Pub);
    }

    private static ReadOnlySpan<byte> RetryPrefixUtf8 => "%RETRY%"u8;

    private static string? CheckTopic(AclAccount account, ExtFields fields, ReadOnlySpan<byte> key, byte perm) =>
        fields.TryGetValue(key, out ReadOnlySpan<byte> topic) ? Check(account, topic, isGroup: false, perm) : null;

    private static string? CheckGroup(AclAccount account, ExtFields fields, ReadOnlySpan<byte> key) =>
        fields.TryGetValue(key, out ReadOnlySpan<byte> group) ? Check(account, group, isGroup: true, AclPermission.Sub) : null;

    private static string? Check(AclAccount account, string name, bool isGroup, byte perm) =>
        isGroup
            ? Decide(account, TopicValidator.RetryGroupTopicPrefix + name, isGroup, perm)
            : Decide(account, name, isGroup, perm);

    /// <summary>The check of a name read from the request's fields, decoded into a stack buffer (no string made).</summary>
    private static string? Check(AclAccount account, ReadOnlySpan<byte> nameUtf8, bool isGroup, byte perm)
    {
        int prefix = isGroup ? TopicValidator.RetryGroupTopicPrefix.Length : 0;
        int maxChars = prefix + nameUtf8.Length;
        char[]? rented = maxChars <= 512 ? null : ArrayPool<char>.Shared.Rent(maxChars);
        Span<char> resource = rented ?? stackalloc char[512];
        try
        {
            if (isGroup)
            {
                TopicValidator.RetryGroupTopicPrefix.CopyTo(resource);
            }
            int length = prefix + Encoding.UTF8.GetChars(nameUtf8, resource[prefix..]);
            return Decide(account, resource[..length], isGroup, perm);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>
    /// The account's permission on <paramref name="resource"/> (a topic, or a group's retry topic), else its default
    /// for that kind; null when it allows <paramref name="perm"/>.
    /// </summary>
    private static string? Decide(AclAccount account, ReadOnlySpan<char> resource, bool isGroup, byte perm)
    {
        byte owned = account.TryGetPerm(resource, out byte explicitPerm)
            ? explicitPerm
            : isGroup ? account.DefaultGroupPerm : account.DefaultTopicPerm;
        if (AclPermission.Allows(owned, perm))
        {
            return null;
        }
        return isGroup
            ? $"No default permission for group:{resource[TopicValidator.RetryGroupTopicPrefix.Length..]}"
            : $"No default permission for topic:{resource}";
    }
}
