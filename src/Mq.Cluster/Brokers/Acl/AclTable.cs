using System.Security.Cryptography;
using System.Text;
using Mq.Protocol.Body;
using Mq.Brokers.Topics;

namespace Mq.Brokers.Acl;

/// <summary>RocketMQ's permission bits (<c>Permission</c>).</summary>
internal static class AclPermission
{
    public const byte Deny = 1;
    public const byte Any = 1 << 1;
    public const byte Pub = 1 << 2;
    public const byte Sub = 1 << 3;

    /// <summary><c>PUB</c>, <c>SUB</c>, <c>PUB|SUB</c>/<c>SUB|PUB</c> or <c>DENY</c>; anything else (or none) denies, as 4.9.</summary>
    public static byte Parse(string? text) => text?.Trim() switch
    {
        "PUB" => Pub,
        "SUB" => Sub,
        "PUB|SUB" or "SUB|PUB" => Pub | Sub,
        _ => Deny,
    };

    /// <summary>Whether <paramref name="text"/> is one of the names <see cref="Parse"/> knows.</summary>
    public static bool IsKnown(string? text) => text?.Trim() is "PUB" or "SUB" or "PUB|SUB" or "SUB|PUB" or "DENY";

    /// <summary>RocketMQ <c>Permission.checkPermission</c>: DENY wins; ANY wants either; otherwise the bits must meet.</summary>
    public static bool Allows(byte owned, byte needed)
    {
        if ((owned & Deny) != 0)
        {
            return false;
        }
        if ((needed & Any) != 0)
        {
            return (owned & (Pub | Sub)) != 0;
        }
        return (needed & owned) != 0;
    }
}

/// <summary>One account, compiled for checking requests.</summary>
internal sealed class AclAccount
{
    private readonly IncrementalHash?[] _hmacs = new IncrementalHash?[Math.Min(Environment.ProcessorCount * 2, 16)];
    private Dictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> _permsBySpan;
    private Dictionary<string, byte> _resourcePerms = null!;

    public required string AccessKey { get; init; }

    public required byte[] SecretKeyUtf8 { get; init; }

    public required RemoteAddressMatcher WhiteRemoteAddress { get; init; }

    public required bool Admin { get; init; }

    public required byte DefaultTopicPerm { get; init; }

    public required byte DefaultGroupPerm { get; init; }

    /// <summary>Topic permissions by topic, group permissions by the group's retry topic (as 4.9 keys them).</summary>
    public required Dictionary<string, byte> ResourcePerms
    {
        get => _resourcePerms;
        init
        {
            _resourcePerms = value;
            _permsBySpan = value.GetAlternateLookup<ReadOnlySpan<char>>();
        }
    }

    /// <summary>The explicit permission on <paramref name="resource"/> (a topic, or a group's retry topic).</summary>
    public bool TryGetPerm(ReadOnlySpan<char> resource, out byte perm) => _permsBySpan.TryGetValue(resource, out perm);

    /// <summary>
    /// HMAC-SHA1 of <paramref name="content"/> under the secret key. Keyed hashes are pooled: keying one costs more
    /// than hashing a request, and a hash resets to its keyed state after each use.
    /// </summary>
    public void Sign(ReadOnlySpan<byte> content, Span<byte> signature)
    {
        IncrementalHash? hmac = null;
        int slot = 0;
        for (; slot < _hmacs.Length; slot++)
        {
            if ((hmac = Interlocked.Exchange(ref _hmacs[slot], null)) is not null)
            {
                break;
            }
        }
        hmac ??= IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, SecretKeyUtf8);
        hmac.AppendData(content);
        hmac.GetHashAndReset(signature);
        for (slot = 0; slot < _hmacs.Length; slot++)
        {
            if (Interlocked.CompareExchange(ref _hmacs[slot], hmac, null) is null)
            {
                return;
            }
        }
        hmac.Dispose();
    }
}

/// <summary>
/// A <see cref="AclConfig"/> compiled (RocketMQ <c>PlainPermissionManager</c>'s tables): immutable, so a reload
/// or an admin update swaps the whole table while requests are checked against the old one.
/// </summary>
internal sealed class AclTable
{
    private readonly Dictionary<string, AclAccount>.AlternateLookup<ReadOnlySpan<char>> _accountsBySpan;

    private AclTable(List<RemoteAddressMatcher> globalWhiteList, Dictionary<string, AclAccount> accounts)
    {
        GlobalWhiteList = globalWhiteList;
        Accounts = accounts;
        _accountsBySpan = accounts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public List<RemoteAddressMatcher> GlobalWhiteList { get; }

    public Dictionary<string, AclAccount> Accounts { get; }

    /// <summary>Finds the account of a request's UTF-8 AccessKey field without making a string of it.</summary>
    public bool TryFindAccount(ReadOnlySpan<byte> accessKeyUtf8, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AclAccount? account)
    {
        Span<char> chars = stackalloc char[256];
        if (accessKeyUtf8.Length > chars.Length)
        {
            return Accounts.TryGetValue(Encoding.UTF8.GetString(accessKeyUtf8), out account);
        }
        int length = Encoding.UTF8.GetChars(accessKeyUtf8, chars);
        return _accountsBySpan.TryGetValue(chars[..length], out account);
    }

    /// <summary>Compiles <paramref name="config"/>.</summary>
    /// <exception cref="FormatException">An account or address the broker cannot use, named.</exception>
    public static AclTable Compile(AclConfig config)
    {
        var whiteList = new List<RemoteAddressMatcher>();
        foreach (string entry in config.GlobalWhiteAddrs)
        {
            whiteList.Add(RemoteAddressMatcher.Parse(entry));
        }
        var accounts = new Dictionary<string, AclAccount>(StringComparer.Ordinal);
        foreach (PlainAccessConfig account in config.PlainAccessConfigs)
        {
            CheckKeys(account.AccessKey, account.SecretKey);
            if (accounts.ContainsKey(account.AccessKey))
            {
                throw new FormatException($"The accessKey {account.AccessKey} is configured twice.");
            }
            var perms = new Dictionary<string, byte>(StringComparer.Ordinal);
            AddPerms(perms, account.TopicPerms, isTopic: true, account.AccessKey);
            AddPerms(perms, account.GroupPerms, isTopic: false, account.AccessKey);
            accounts.Add(account.AccessKey, new AclAccount
            {
                AccessKey = account.AccessKey,
                SecretKeyUtf8 = Encoding.UTF8.GetBytes(account.SecretKey),
                WhiteRemoteAddress = RemoteAddressMatcher.Parse(account.WhiteRemoteAddress),
                Admin = account.Admin,
                DefaultTopicPerm = AclPermission.Parse(account.DefaultTopicPerm),
                DefaultGroupPerm = AclPermission.Parse(account.DefaultGroupPerm),
                ResourcePerms = perms,
            });
        }
        return new AclTable(whiteList, accounts);
    }

    /// <summary>4.9's rule: access and secret keys longer than 6 characters.</summary>
    public static void CheckKeys(string? accessKey, string? secretKey)
    {
        if (accessKey is null || accessKey.Length <= 6 || secretKey is null || secretKey.Length <= 6)
        {
            throw new FormatException($"The accessKey={accessKey} and secretKey cannot be null and their length should be longer than 6.");
        }
    }

    /// <summary>4.9's <c>checkResourcePerms</c> for entries sent by the admin command: <c>name=PERM</c> with a known permission.</summary>
    public static void CheckPermEntries(List<string> entries)
    {
        foreach (string entry in entries)
        {
            string[] items = entry.Split('=', StringSplitOptions.RemoveEmptyEntries);
            if (items.Length != 2)
            {
                throw new FormatException($"Parse Resource format error for {entry}. The expected resource format is 'Res=Perm'. For example: topicA=SUB");
            }
            if (!AclPermission.IsKnown(items[1]))
            {
                throw new FormatException($"Parse resource permission error for {entry}. The expected permissions are 'SUB' or 'PUB' or 'SUB|PUB' or 'PUB|SUB'.");
            }
        }
    }

    private static void AddPerms(Dictionary<string, byte> perms, List<string> entries, bool isTopic, string accessKey)
    {
        foreach (string entry in entries)
        {
            string[] items = entry.Split('=', StringSplitOptions.RemoveEmptyEntries);
            if (items.Length != 2)
            {
                throw new FormatException($"Parse resource permission failed for {(isTopic ? "topic" : "group")}:{entry} of accessKey {accessKey}.");
            }
            string name = items[0].Trim();
            perms[isTopic ? name : TopicValidator.RetryGroupTopicPrefix + name] = AclPermission.Parse(items[1]);
        }
    }
}
