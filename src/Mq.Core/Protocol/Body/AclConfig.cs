using Mq.Protocol.Json;

namespace Mq.Protocol.Body;

/// <summary>
/// One ACL account (RocketMQ <c>PlainAccessConfig</c>): an entry of <c>plain_acl.yml</c>'s <c>accounts</c>, and of the
/// GET_BROKER_CLUSTER_ACL_CONFIG body. Permissions are <c>DENY</c>, <c>PUB</c>, <c>SUB</c> or <c>PUB|SUB</c>; anything
/// else, or none, denies.
/// </summary>
public sealed class PlainAccessConfig
{
    /// <summary>The access key clients sign with (<c>accessKey</c>; longer than 6 characters).</summary>
    public string AccessKey { get; set; } = string.Empty;

    /// <summary>The secret key (<c>secretKey</c>; longer than 6 characters).</summary>
    public string SecretKey { get; set; } = string.Empty;

    /// <summary>
    /// Addresses this account is trusted from without a signature or permission check (<c>whiteRemoteAddress</c>,
    /// in the forms of <see cref="AclConfig.GlobalWhiteAddrs"/>); null or empty trusts none.
    /// </summary>
    public string? WhiteRemoteAddress { get; set; }

    /// <summary>Whether the account may run the admin commands (create/delete topics and groups, update the broker config, ACL changes) (<c>admin</c>).</summary>
    public bool Admin { get; set; }

    /// <summary>Permission on topics not in <see cref="TopicPerms"/> (<c>defaultTopicPerm</c>).</summary>
    public string? DefaultTopicPerm { get; set; }

    /// <summary>Permission on consumer groups not in <see cref="GroupPerms"/> (<c>defaultGroupPerm</c>).</summary>
    public string? DefaultGroupPerm { get; set; }

    /// <summary>Per-topic permissions, <c>topic=PERM</c> (<c>topicPerms</c>).</summary>
    public List<string> TopicPerms { get; set; } = [];

    /// <summary>Per-group permissions, <c>group=PERM</c> (<c>groupPerms</c>).</summary>
    public List<string> GroupPerms { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public PlainAccessConfig Clone()
    {
        var copy = (PlainAccessConfig)MemberwiseClone();
        copy.TopicPerms = [.. TopicPerms];
        copy.GroupPerms = [.. GroupPerms];
        return copy;
    }

    internal static PlainAccessConfig Read(ref FastJsonReader reader)
    {
        var d = new PlainAccessConfig();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, PlainAccessConfig d) =>
        {
            switch (name)
            {
                case "accesskey": d.AccessKey = r.ReadString() ?? string.Empty; break;
                case "secretkey": d.SecretKey = r.ReadString() ?? string.Empty; break;
                case "whiteremoteaddress": d.WhiteRemoteAddress = r.ReadString(); break;
                case "admin": d.Admin = r.ReadBoolean(); break;
                case "defaulttopicperm": d.DefaultTopicPerm = r.ReadString(); break;
                case "defaultgroupperm": d.DefaultGroupPerm = r.ReadString(); break;
                case "topicperms": d.TopicPerms = JsonBodyReader.ReadStringList(ref r); break;
                case "groupperms": d.GroupPerms = JsonBodyReader.ReadStringList(ref r); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("accessKey"u8, AccessKey);
        writer.WriteBoolean("admin"u8, Admin);
        writer.WriteString("defaultGroupPerm"u8, DefaultGroupPerm);
        writer.WriteString("defaultTopicPerm"u8, DefaultTopicPerm);
        writer.WriteStringArray("groupPerms"u8, GroupPerms);
        writer.WriteString("secretKey"u8, SecretKey);
        writer.WriteStringArray("topicPerms"u8, TopicPerms);
        writer.WriteString("whiteRemoteAddress"u8, WhiteRemoteAddress);
        writer.WriteEndObject();
    }
}

/// <summary>
/// A broker's ACL configuration (RocketMQ <c>AclConfig</c>; the GET_BROKER_CLUSTER_ACL_CONFIG body): the global white
/// list and the accounts. On a broker, <c>BrokerOptions.Acl</c> takes it in code in place of a <c>plain_acl.yml</c>.
/// </summary>
public sealed class AclConfig : JsonBody
{
    /// <summary>
    /// Client addresses admitted without any check (<c>globalWhiteAddrs</c>; <c>globalWhiteRemoteAddresses</c> in the
    /// file), in RocketMQ's forms: <c>192.168.0.1</c>, <c>192.168.0.*</c>, <c>192.168.1-10.*</c>,
    /// <c>192.168.0.{1,2}</c>, <c>*</c>, comma lists.
    /// </summary>
    public List<string> GlobalWhiteAddrs { get; set; } = [];

    /// <summary>The accounts (<c>plainAccessConfigs</c>; <c>accounts</c> in the file).</summary>
    public List<PlainAccessConfig> PlainAccessConfigs { get; set; } = [];

    /// <summary>A deep copy.</summary>
    public AclConfig Clone() => new()
    {
        GlobalWhiteAddrs = [.. GlobalWhiteAddrs],
        PlainAccessConfigs = PlainAccessConfigs.ConvertAll(static a => a.Clone()),
    };

    /// <summary>Decodes the body.</summary>
    /// <exception cref="JsonBodyException">Malformed input.</exception>
    public static AclConfig Decode(ReadOnlySpan<byte> json) => JsonBodyReader.Decode(json, Read);

    internal static AclConfig Read(ref FastJsonReader reader)
    {
        var d = new AclConfig();
        JsonBodyReader.ReadObject(ref reader, d, static (ref FastJsonReader r, string name, AclConfig d) =>
        {
            switch (name)
            {
                case "globalwhiteaddrs": d.GlobalWhiteAddrs = JsonBodyReader.ReadStringList(ref r); break;
                case "plainaccessconfigs": d.PlainAccessConfigs = JsonBodyReader.ReadList(ref r, PlainAccessConfig.Read); break;
                default: r.SkipValue(); break;
            }
        });
        return d;
    }

    internal override void Write(FastJsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStringArray("globalWhiteAddrs"u8, GlobalWhiteAddrs);
        writer.WritePropertyName("plainAccessConfigs"u8);
        writer.WriteStartArray();
        foreach (PlainAccessConfig account in PlainAccessConfigs)
        {
            account.Write(writer);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
