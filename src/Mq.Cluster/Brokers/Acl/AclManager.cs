using Microsoft.Extensions.Logging;
using Mq.Protocol;
using Mq.Protocol.Body;

namespace Mq.Brokers.Acl;

/// <summary>
/// Owns a broker's ACL configuration (RocketMQ 4.9 <c>PlainPermissionManager</c>'s file handling): from
/// <see cref="BrokerOptions.Acl"/>, or from ACL files: every <c>.yml</c>/<c>.yaml</c> file under
/// <see cref="BrokerOptions.AclDirectory"/> (4.9.3+'s <c>conf/acl</c>) and the default file
/// <see cref="BrokerOptions.AclFilePath"/> (<c>conf/plain_acl.yml</c>), which is created empty when missing. The
/// files are reloaded when one changes, appears or goes (4.9 watches them the same way), and rewritten by the ACL
/// admin commands: an account is changed in the file that defines it, a new one goes to the default file. Every
/// change compiles a new table and swaps it into <see cref="Validator"/>; files that do not parse leave the previous
/// table in force and are logged.
/// </summary>
internal sealed class AclManager
{
    private const string InCode = "BrokerOptions.Acl";

    private readonly object _gate = new();
    private readonly string? _defaultFile;
    private readonly string? _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // The directory's files in ordinal order, then the default file: an access key defined twice is taken from the
    // first (4.9 lists the directory first and keeps the first, with a warning).
    private List<AclFile> _files = [];
    private AclConfig _config;
    private DataVersion _codeVersion;
    private string _filesSeen = string.Empty;

    /// <summary>Loads the configuration; throws <see cref="FormatException"/> (naming the file) or <see cref="IOException"/> when it cannot be used.</summary>
    public AclManager(BrokerOptions options, TimeProvider time, ILogger logger)
    {
        _directory = options.AclDirectory is { } directory ? Path.GetFullPath(directory) : null;
        _defaultFile = options.AclFilePath is { } path ? Path.GetFullPath(path)
            : _directory is not null ? Path.Combine(_directory, "plain_acl.yml") : null;
        _time = time;
        _logger = logger;
        _codeVersion = new DataVersion(time.GetUtcNow().ToUnixTimeMilliseconds(), 0);
        if (_defaultFile is null)
        {
            _config = options.Acl.Clone();
        }
        else
        {
            if (!File.Exists(_defaultFile))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_defaultFile)!);
                File.WriteAllText(_defaultFile, string.Empty);
                AclLog.FileCreated(logger, _defaultFile);
            }
            List<string> paths = ListFiles();
            _filesSeen = Describe(paths);
            _files = ReadFiles(paths, previous: []);
            _config = Merge(_files);
        }
        Validator = new PlainAccessValidator(AclTable.Compile(_config));
        if (_config.PlainAccessConfigs.Count == 0 && _config.GlobalWhiteAddrs.Count == 0)
        {
            AclLog.NothingAdmitted(logger, Source);
        }
    }

    /// <summary>The request guard, kept current by this manager.</summary>
    public PlainAccessValidator Validator { get; }

    /// <summary>The default ACL file (new accounts and the global white list go there), or null when configured in code.</summary>
    public string? FilePath => _defaultFile;

    /// <summary>
    /// Every ACL file with its version (GET_BROKER_CLUSTER_ACL_INFO's <c>allAclFileVersion</c>), the default file last:
    /// its version is the configuration's, as 4.9 reports (with the configuration in code, its one version).
    /// </summary>
    public List<(string File, DataVersion Version)> FileVersions()
    {
        lock (_gate)
        {
            if (_defaultFile is null)
            {
                return [(InCode, _codeVersion)];
            }
            var versions = new List<(string, DataVersion)>(_files.Count);
            foreach (AclFile file in _files)
            {
                versions.Add((file.Path, file.Version));
            }
            return versions;
        }
    }

    /// <summary>A copy of the configuration in force (every file's accounts and white lists together).</summary>
    public AclConfig Snapshot()
    {
        lock (_gate)
        {
            return _config.Clone();
        }
    }

    private string Source => _defaultFile is null ? InCode : _directory is null ? _defaultFile : _defaultFile + " and " + _directory;

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

    /// <summary>Reloads the files when one changed on disk, appeared or went since they were last read or written (the periodic watch).</summary>
    public void ReloadIfChanged()
    {
        if (_defaultFile is null)
        {
            return;
        }
        lock (_gate)
        {
            List<string> paths;
            string seen;
            try
            {
                paths = ListFiles();
                seen = Describe(paths);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                AclLog.ReloadFailed(_logger, Source, ex);
                return;
            }
            if (seen == _filesSeen)
            {
                return;
            }
            // Remembered whatever the outcome, so one bad edit is logged once, not every second until it is fixed.
            _filesSeen = seen;
            try
            {
                List<AclFile> files = ReadFiles(paths, _files);
                AclConfig config = Merge(files);
                Validator.Table = AclTable.Compile(config);
                _files = files;
                _config = config;
                AclLog.Reloaded(_logger, Source, config.PlainAccessConfigs.Count);
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                AclLog.ReloadFailed(_logger, Source, ex);
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
        lock (_gate)
        {
            Change(OwnerOf(update.AccessKey) ?? DefaultFile, config =>
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
    }

    /// <summary>DELETE_ACL_CONFIG: removes the account from the file that defines it; false when there is no such account.</summary>
    public bool DeleteAccount(string accessKey)
    {
        lock (_gate)
        {
            AclFile? owner = OwnerOf(accessKey);
            bool inCode = _defaultFile is null && _config.PlainAccessConfigs.Exists(a => a.AccessKey == accessKey);
            if (owner is null && !inCode)
            {
                return false;
            }
            Change(owner, config => config.PlainAccessConfigs.RemoveAll(a => a.AccessKey == accessKey));
            return true;
        }
    }

    /// <summary>
    /// UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: replaces the global white list of <paramref name="aclFile"/> (4.9.3+'s
    /// <c>aclFileFullPath</c>), by default of the default file.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="aclFile"/> is not one of this broker's ACL files.</exception>
    public void UpdateGlobalWhiteList(List<string> addresses, string? aclFile = null)
    {
        lock (_gate)
        {
            AclFile? target = DefaultFile;
            if (!string.IsNullOrEmpty(aclFile))
            {
                string full = Path.GetFullPath(aclFile);
                target = _files.Find(f => f.Path == full)
                    ?? throw new FormatException($"{aclFile} is not an ACL file of this broker (its files: {(_defaultFile is null ? InCode : string.Join(", ", _files.ConvertAll(f => f.Path)))})");
            }
            Change(target, config => config.GlobalWhiteAddrs = addresses);
        }
    }

    private AclFile? DefaultFile => _defaultFile is null ? null : _files[^1];

    private AclFile? OwnerOf(string accessKey) =>
        _files.Find(f => f.Config.PlainAccessConfigs.Exists(a => a.AccessKey == accessKey));

    /// <summary>Applies <paramref name="change"/> to one file (null: the configuration in code) and swaps the result in; the caller holds the gate.</summary>
    private void Change(AclFile? target, Action<AclConfig> change)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (target is null)
        {
            AclConfig inCode = _config.Clone();
            change(inCode);
            Validator.Table = AclTable.Compile(inCode);
            _config = inCode;
            _codeVersion = _codeVersion.Next(now);
            return;
        }
        AclConfig fileConfig = target.Config.Clone();
        change(fileConfig);
        var changed = new AclFile(target.Path, fileConfig, target.Version.Next(now));
        List<AclFile> files = _files.ConvertAll(f => ReferenceEquals(f, target) ? changed : f);
        AclConfig merged = Merge(files);
        AclTable table = AclTable.Compile(merged); // refuses before anything is written
        string temporary = target.Path + ".tmp";
        File.WriteAllText(temporary, PlainAclYaml.Write(fileConfig, changed.Version));
        File.Move(temporary, target.Path, overwrite: true);
        Validator.Table = table;
        _files = files;
        _config = merged;
        try
        {
            _filesSeen = Describe(ListFiles());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _filesSeen = string.Empty; // the watch reads the files again
        }
    }

    /// <summary>The ACL files in the order they are read: the directory's (recursively, ordinal order), then the default file.</summary>
    private List<string> ListFiles()
    {
        var paths = new List<string>();
        if (_directory is not null && Directory.Exists(_directory))
        {
            foreach (string path in Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories))
            {
                if ((path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal)) && path != _defaultFile)
                {
                    paths.Add(path);
                }
            }
            paths.Sort(StringComparer.Ordinal);
        }
        paths.Add(_defaultFile!);
        return paths;
    }

    /// <summary>What the watch compares: each file with its size and last write time.</summary>
    private static string Describe(List<string> paths)
    {
        var text = new System.Text.StringBuilder();
        foreach (string path in paths)
        {
            var info = new FileInfo(path);
            text.Append(path).Append('|').Append(info.Exists ? info.Length : -1).Append('|')
                .Append(info.Exists ? info.LastWriteTimeUtc.Ticks : 0).Append('\n');
        }
        return text.ToString();
    }

    private List<AclFile> ReadFiles(List<string> paths, List<AclFile> previous)
    {
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var files = new List<AclFile>(paths.Count);
        foreach (string path in paths)
        {
            var config = new AclConfig();
            DataVersion version = default;
            if (File.Exists(path))
            {
                try
                {
                    config = PlainAclYaml.Parse(File.ReadAllText(path), out version);
                }
                catch (FormatException ex)
                {
                    throw new FormatException(path + ": " + ex.Message, ex);
                }
            }
            if (version == default)
            {
                // A hand-written file without dataVersion: a new version (4.9 starts one at the current time).
                AclFile? before = previous.Find(f => f.Path == path);
                version = before is null ? new DataVersion(now, 0) : before.Version.Next(now);
            }
            files.Add(new AclFile(path, config, version));
        }
        return files;
    }

    private AclConfig Merge(List<AclFile> files)
    {
        var merged = new AclConfig();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (AclFile file in files)
        {
            merged.GlobalWhiteAddrs.AddRange(file.Config.GlobalWhiteAddrs);
            foreach (PlainAccessConfig account in file.Config.PlainAccessConfigs)
            {
                if (seen.Add(account.AccessKey))
                {
                    merged.PlainAccessConfigs.Add(account);
                }
                else
                {
                    AclLog.RepeatedAccessKey(_logger, account.AccessKey, file.Path);
                }
            }
        }
        return merged;
    }

    private sealed record AclFile(string Path, AclConfig Config, DataVersion Version);
}

/// <summary>ACL log messages (EventIds 660-669).</summary>
internal static partial class AclLog
{
    [LoggerMessage(EventId = 660, Level = LogLevel.Information, Message = "ACL file {Path} did not exist and was created empty")]
    public static partial void FileCreated(ILogger logger, string path);

    [LoggerMessage(EventId = 661, Level = LogLevel.Warning, Message = "ACL is enabled but {Source} has no accounts and no global white list: every request will be refused")]
    public static partial void NothingAdmitted(ILogger logger, string source);

    [LoggerMessage(EventId = 662, Level = LogLevel.Information, Message = "ACL files {Path} reloaded: {Accounts} accounts")]
    public static partial void Reloaded(ILogger logger, string path, int accounts);

    [LoggerMessage(EventId = 663, Level = LogLevel.Error, Message = "ACL files {Path} changed but cannot be used; the previous configuration stays in force")]
    public static partial void ReloadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 664, Level = LogLevel.Warning, Message = "ACL access key {AccessKey} is defined again in {Path}; the first definition is in force")]
    public static partial void RepeatedAccessKey(ILogger logger, string accessKey, string path);
}
