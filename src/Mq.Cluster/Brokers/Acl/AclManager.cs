using Microsoft.Extensions.Logging;
using Mq.Protocol;
using Mq.Protocol.Body;

namespace Mq.Brokers.Acl;

/// <summary>
/// Owns a broker's ACL configuration (RocketMQ 4.9 <c>PlainPermissionManager</c>'s file handling): from
/// <see cref="BrokerOptions.Acl"/>, or from <see cref="BrokerOptions.AclFilePath"/>, which is created empty when
/// missing (as 4.9 creates <c>plain_acl.yml</c>), reloaded when it changes on disk (4.9 watches it the same way),
/// and rewritten by the ACL admin commands. Every change compiles a new table and swaps it into
/// <see cref="Validator"/>; a file that does not parse leaves the previous table in force and is logged.
/// </summary>
internal sealed class AclManager
{
    private readonly object _gate = new();
    private readonly string? _filePath;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private AclConfig _config;
    private DataVersion _version;
    private (DateTime WriteTime, long Length) _fileStamp;

    /// <summary>Loads the configuration; throws <see cref="FormatException"/> or <see cref="IOException"/> when it cannot be used.</summary>
    public AclManager(BrokerOptions options, TimeProvider time, ILogger logger)
    {
        _filePath = options.AclFilePath is { } path ? Path.GetFullPath(path) : null;
        _time = time;
        _logger = logger;
        _version = new DataVersion(time.GetUtcNow().ToUnixTimeMilliseconds(), 0);
        if (_filePath is null)
        {
            _config = options.Acl.Clone();
        }
        else
        {
            if (!File.Exists(_filePath))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_filePath)!);
                File.WriteAllText(_filePath, string.Empty);
                AclLog.FileCreated(logger, _filePath);
            }
            _config = ReadFile(out DataVersion version);
            if (version != default)
            {
                _version = version;
            }
        }
        Validator = new PlainAccessValidator(AclTable.Compile(_config));
        if (_config.PlainAccessConfigs.Count == 0 && _config.GlobalWhiteAddrs.Count == 0)
        {
            AclLog.NothingAdmitted(logger, _filePath ?? "BrokerOptions.Acl");
        }
    }

    /// <summary>The request guard, kept current by this manager.</summary>
    public PlainAccessValidator Validator { get; }

    /// <summary>The file in use, or null when configured in code.</summary>
    public string? FilePath => _filePath;

    /// <summary>The configuration's version (changes with every update or reload).</summary>
    public DataVersion Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>A copy of the configuration in force.</summary>
    public AclConfig Snapshot()
    {
        lock (_gate)
        {
            return _config.Clone();
        }
    }

    /// <summary>
    /// Signs a request this broker sends with its first admin account (false when it has none): how a slave with
    /// ACL reads its master's metadata, and how the test fixture creates topics. 4.9 brokers do not sign their own
    /// requests, so their slaves must be on the master's white list; a slave sharing the master's accounts need not.
    /// </summary>
    public bool TrySignAsAdmin(RemotingCommand request)
    {
        PlainAccessConfig? admin;
        lock (_gate)
        {
            admin = _config.PlainAccessConfigs.Find(static a => a.Admin);
        }
        if (admin is null)
        {
            return false;
        }
        AclRequestSigner.Sign(request, admin.AccessKey, System.Text.Encoding.UTF8.GetBytes(admin.SecretKey), null);
        return true;
    }

    /// <summary>Reloads the file when it changed on disk since it was last read or written (the periodic watch).</summary>
    public void ReloadIfChanged()
    {
        if (_filePath is null)
        {
            return;
        }
        lock (_gate)
        {
            if (Stamp() == _fileStamp)
            {
                return;
            }
            try
            {
                AclConfig config = ReadFile(out DataVersion version);
                Validator.Table = AclTable.Compile(config);
                _config = config;
                _version = version == default ? _version.Next(_time.GetUtcNow().ToUnixTimeMilliseconds()) : version;
                AclLog.Reloaded(_logger, _filePath, config.PlainAccessConfigs.Count);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                // Remember the stamp so one bad edit is logged once, not every second until it is fixed.
                _fileStamp = Stamp();
                AclLog.ReloadFailed(_logger, _filePath, ex);
            }
        }
    }

    /// <summary>
    /// UPDATE_AND_CREATE_ACL_CONFIG: adds the account, or updates an existing one with the fields given (4.9 merges:
    /// a null secret key, default permission or permission list keeps the stored one).
    /// </summary>
    /// <exception cref="FormatException">Keys too short, or permission entries 4.9 would refuse.</exception>
    public void UpdateAccount(PlainAccessConfig update, bool hasTopicPerms, bool hasGroupPerms)
    {
        if (update.AccessKey.Length <= 6)
        {
            throw new FormatException($"The accessKey={update.AccessKey} cannot be null and length should longer than 6");
        }
        AclTable.CheckPermEntries(update.TopicPerms);
        AclTable.CheckPermEntries(update.GroupPerms);
        Change(config =>
        {
            PlainAccessConfig? existing = config.PlainAccessConfigs.Find(a => a.AccessKey == update.AccessKey);
            if (existing is null)
            {
                AclTable.CheckKeys(update.AccessKey, update.SecretKey);
                config.PlainAccessConfigs.Add(update.Clone());
                return;
            }
            if (!string.IsNullOrEmpty(update.SecretKey))
            {
                AclTable.CheckKeys(update.AccessKey, update.SecretKey);
                existing.SecretKey = update.SecretKey;
            }
            existing.WhiteRemoteAddress = update.WhiteRemoteAddress ?? existing.WhiteRemoteAddress;
            existing.Admin = update.Admin;
            existing.DefaultTopicPerm = string.IsNullOrEmpty(update.DefaultTopicPerm) ? existing.DefaultTopicPerm : update.DefaultTopicPerm;
            existing.DefaultGroupPerm = string.IsNullOrEmpty(update.DefaultGroupPerm) ? existing.DefaultGroupPerm : update.DefaultGroupPerm;
            existing.TopicPerms = hasTopicPerms ? [.. update.TopicPerms] : existing.TopicPerms;
            existing.GroupPerms = hasGroupPerms ? [.. update.GroupPerms] : existing.GroupPerms;
        });
    }

    /// <summary>DELETE_ACL_CONFIG: false when there is no such account.</summary>
    public bool DeleteAccount(string accessKey)
    {
        bool removed = false;
        Change(config => removed = config.PlainAccessConfigs.RemoveAll(a => a.AccessKey == accessKey) > 0);
        return removed;
    }

    /// <summary>UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: replaces the global white list.</summary>
    public void UpdateGlobalWhiteList(List<string> addresses) => Change(config => config.GlobalWhiteAddrs = addresses);

    private void Change(Action<AclConfig> change)
    {
        lock (_gate)
        {
            AclConfig config = _config.Clone();
            change(config);
            AclTable table = AclTable.Compile(config);
            DataVersion version = _version.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
            if (_filePath is not null)
            {
                string temporary = _filePath + ".tmp";
                File.WriteAllText(temporary, PlainAclYaml.Write(config, version));
                File.Move(temporary, _filePath, overwrite: true);
                _fileStamp = Stamp();
            }
            Validator.Table = table;
            _config = config;
            _version = version;
        }
    }

    private AclConfig ReadFile(out DataVersion version)
    {
        _fileStamp = Stamp();
        return PlainAclYaml.Parse(File.ReadAllText(_filePath!), out version);
    }

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(_filePath!);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}

/// <summary>ACL log messages (EventIds 660-669).</summary>
internal static partial class AclLog
{
    [LoggerMessage(EventId = 660, Level = LogLevel.Information, Message = "ACL file {Path} did not exist and was created empty")]
    public static partial void FileCreated(ILogger logger, string path);

    [LoggerMessage(EventId = 661, Level = LogLevel.Warning, Message = "ACL is enabled but {Source} has no accounts and no global white list: every request will be refused")]
    public static partial void NothingAdmitted(ILogger logger, string source);

    [LoggerMessage(EventId = 662, Level = LogLevel.Information, Message = "ACL file {Path} reloaded: {Accounts} accounts")]
    public static partial void Reloaded(ILogger logger, string path, int accounts);

    [LoggerMessage(EventId = 663, Level = LogLevel.Error, Message = "ACL file {Path} changed but cannot be used; the previous configuration stays in force")]
    public static partial void ReloadFailed(ILogger logger, string path, Exception exception);
}
