using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Mq.Storage;

namespace Mq.Brokers;

/// <summary>
/// Settings of a broker node (RocketMQ <c>BrokerConfig</c> + <c>NettyServerConfig</c> + the store subset of
/// <c>MessageStoreConfig</c>), with RocketMQ's names and defaults. Bindable from <c>IConfiguration</c>;
/// validated once at start (<see cref="Validate"/>), then copied: changing it afterwards has no effect.
/// </summary>
public sealed partial class BrokerOptions
{
    /// <summary>Cluster name reported to the NameServer. Default <c>DefaultCluster</c>. Risk: clients and admin tools group brokers by it.</summary>
    public string BrokerClusterName { get; set; } = "DefaultCluster";

    /// <summary>
    /// Broker name shared by a master and its slaves. Default <c>broker-a</c> (RocketMQ defaults to the host
    /// name; the engine reads no environment). Risk: two masters with the same name and id replace each
    /// other in the NameServer's routes.
    /// </summary>
    public string BrokerName { get; set; } = "broker-a";

    /// <summary>0 for the master, &gt; 0 for a slave. Default 0. Risk: must agree with <see cref="BrokerRole"/>.</summary>
    public long BrokerId { get; set; }

    /// <summary>
    /// NameServer addresses (<c>host:port</c>); an entry may also hold several separated by ';' as RocketMQ's
    /// <c>namesrvAddr</c> does. Default empty: the broker registers nowhere. Risk: without a NameServer no
    /// client can find the broker.
    /// </summary>
    public List<string> NamesrvAddr { get; set; } = [];

    /// <summary>
    /// Main port. Default 10911. 0 picks a free port (tests); the VIP port is then another free port
    /// instead of <c>listenPort - 2</c>. Risk: clients learn it from the NameServer; a change re-routes them.
    /// </summary>
    public int ListenPort { get; set; } = 10911;

    /// <summary>
    /// Also listen on <c>listenPort - 2</c> (the "VIP channel" old Java clients use). Default true.
    /// Risk: off, Java clients with <c>vipChannelEnabled</c> (default true before 4.9) cannot send.
    /// </summary>
    public bool VipChannelEnable { get; set; } = true;

    /// <summary>
    /// Address to bind. Default <c>0.0.0.0</c>. Risk: the broker has no authentication; bind to a private
    /// interface (or 127.0.0.1 in tests) where that matters.
    /// </summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>
    /// The address advertised to the NameServer and stamped as store host into every record. Default null:
    /// 127.0.0.1 when <see cref="ListenAddress"/> is a loopback address, otherwise the first non-loopback
    /// IPv4 address of the machine (RocketMQ picks the first non-loopback, preferably non-192.168 one).
    /// Risk: a wrong address sends clients to an unreachable broker.
    /// </summary>
    public string? BrokerIP1 { get; set; }

    /// <summary>Store root (commit log, queues, index, <c>config/</c>). Required. Risk: two brokers must never share it.</summary>
    public string StorePathRootDir { get; set; } = string.Empty;

    /// <summary>Commit-log segment size. Default 1 GiB. Risk: smaller segments mean more files and retention granularity.</summary>
    public int MappedFileSizeCommitLog { get; set; } = 1024 * 1024 * 1024;

    /// <summary>Consume-queue segment size (multiple of 20). Default 300 000 entries.</summary>
    public int MappedFileSizeConsumeQueue { get; set; } = 300_000 * 20;

    /// <summary>ASYNC_FLUSH (default) or SYNC_FLUSH. Risk: async flush loses up to one flush interval on power loss; sync flush costs latency.</summary>
    public FlushDiskType FlushDiskType { get; set; } = FlushDiskType.AsyncFlush;

    /// <summary>How long a SYNC_FLUSH send waits for durability before answering FLUSH_DISK_TIMEOUT. Default 5 s.</summary>
    public TimeSpan SyncFlushTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>ASYNC_FLUSH: how often everything still dirty is flushed (RocketMQ <c>flushIntervalCommitLog</c>). Default 500 ms.</summary>
    public TimeSpan FlushIntervalCommitLog { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// ASYNC_FLUSH with <see cref="FlushCommitLogTimed"/> off: a send leaving this many 4 KiB pages unflushed
    /// wakes the flusher at once (RocketMQ <c>flushCommitLogLeastPages</c>). Default 4; 0 wakes it for any unflushed byte.
    /// </summary>
    public int FlushCommitLogLeastPages { get; set; } = 4;

    /// <summary>
    /// ASYNC_FLUSH on the interval only, never woken by sends (RocketMQ <c>flushCommitLogTimed</c>). Default true,
    /// deliberately unlike RocketMQ's false: see <see cref="StoreOptions.FlushCommitLogTimed"/> for the cost measured.
    /// </summary>
    public bool FlushCommitLogTimed { get; set; } = true;

    /// <summary>
    /// Pre-touch each new commit-log segment in the background before it is needed (RocketMQ
    /// <c>warmMapedFileEnable</c>). Default true, unlike RocketMQ's false: see
    /// <see cref="StoreOptions.WarmMappedFileEnable"/>.
    /// </summary>
    public bool WarmMapedFileEnable { get; set; } = true;

    /// <summary>
    /// How often disk usage is checked and expired files deleted (RocketMQ <c>cleanResourceInterval</c>). Default 10 s.
    /// Risk: a long period lets a filling disk run further past the limit, and refused sends resume later once space returns.
    /// </summary>
    public TimeSpan CleanResourceInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Disk usage ratio above which sends are refused with SERVICE_NOT_AVAILABLE until usage drops (RocketMQ's
    /// <c>rocketmq.broker.diskSpaceWarningLevelRatio</c>). Default 0.90. Risk: too high leaves no room to finish
    /// what is already accepted; too low refuses sends on a healthy disk.
    /// </summary>
    public double DiskSpaceWarningLevelRatio { get; set; } = 0.90;

    /// <summary>ASYNC_MASTER (default), SYNC_MASTER or SLAVE. Risk: a SLAVE refuses sends and offset commits.</summary>
    public BrokerRole BrokerRole { get; set; } = BrokerRole.AsyncMaster;

    /// <summary>Segment device kind of the store. Default memory-mapped files.</summary>
    public Storage.Devices.SegmentDeviceKind DeviceKind { get; set; } = Storage.Devices.SegmentDeviceKind.Mapped;

    /// <summary>Hash slots per index file (QUERY_MESSAGE by key). Default 5 000 000. Risk: an index file is 40 + 4×slots + 20×entries bytes.</summary>
    public int MaxHashSlotNum { get; set; } = 5_000_000;

    /// <summary>Entries per index file. Default 20 000 000 (an index file of ~420 MB with the default slots).</summary>
    public int MaxIndexNum { get; set; } = 20_000_000;

    /// <summary>Hours of retention for commit-log segments. Default 72.</summary>
    public int FileReservedTime { get; set; } = 72;

    /// <summary>
    /// Create unknown topics on send from the template topic TBW102 (which then has perm 7). Default true
    /// (RocketMQ's). Risk: typos create topics; turn off in production and create topics explicitly.
    /// </summary>
    public bool AutoCreateTopicEnable { get; set; } = true;

    /// <summary>Create subscription groups on first heartbeat/pull. Default true. Risk: off, unknown groups get SUBSCRIPTION_GROUP_NOT_EXIST.</summary>
    public bool AutoCreateSubscriptionGroup { get; set; } = true;

    /// <summary>Queue count of TBW102 (so the upper bound of auto-created topics). Default 8.</summary>
    public int DefaultTopicQueueNums { get; set; } = 8;

    /// <summary>Largest accepted message body (and batch body). Default 4 MiB. Risk: larger messages cost memory per request.</summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Broker permission (PermName bits READ 4, WRITE 2). Default 6. Risk: without WRITE every send is refused.</summary>
    public int BrokerPermission { get; set; } = 6;

    /// <summary>Registration period with the NameServers. Default 30 s, clamped to 10-60 s as RocketMQ does.</summary>
    public TimeSpan RegisterNameServerPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one REGISTER_BROKER call. Default 6 s (RocketMQ's <c>registerBrokerTimeoutMills</c>).</summary>
    public TimeSpan RegisterBrokerTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Client channels without a heartbeat for this long are dropped. Default 120 s.</summary>
    public TimeSpan ChannelExpiredTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How often expired client channels are looked for. Default 10 s.</summary>
    public TimeSpan ChannelScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hold pulls that found nothing up to their suspend timeout. Default true. Risk: off, consumers poll every <see cref="ShortPollingTimeMills"/>.</summary>
    public bool LongPollingEnable { get; set; } = true;

    /// <summary>Hold time of a pull when long polling is off. Default 1000 ms.</summary>
    public long ShortPollingTimeMills { get; set; } = 1000;

    /// <summary>How often held pulls are checked for expiry and missed arrivals. Default 5 s (RocketMQ's hold service period).</summary>
    public TimeSpan PullHoldCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Suggest pulling from a slave when the consumer is far behind. Default false.</summary>
    public bool SlaveReadEnable { get; set; }

    /// <summary>Consumer offsets are persisted this often (and at stop). Default 5 s.</summary>
    public TimeSpan FlushConsumerOffsetInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most sends a broker processes at once (waiting for durability or replication included); beyond it a
    /// send is refused with SYSTEM_BUSY instead of queuing without bound. Default 10 000. Risk: too low
    /// refuses bursts; too high lets memory grow while the disk falls behind.
    /// </summary>
    public int MaxInFlightSends { get; set; } = 10_000;

    /// <summary>
    /// When the commit log holds more unflushed bytes than this (the disk falls behind), new sends are
    /// refused with SYSTEM_BUSY "[PC_SYNCHRONIZED]" until the flush catches up. Default 512 MiB.
    /// Risk: too small refuses sends under normal bursts; too large lets dirty pages pile up.
    /// </summary>
    public long MaxUnflushedBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Region id returned in send responses (<c>MSG_REGION</c>). Default <c>DefaultRegion</c>.</summary>
    public string RegionId { get; set; } = "DefaultRegion";

    /// <summary>Trace switch returned in send responses (<c>TRACE_ON</c>). Default true.</summary>
    public bool TraceOn { get; set; } = true;

    /// <summary>
    /// Create the message-trace topic (<see cref="MsgTraceTopicName"/>, one queue) at start, so clients with
    /// message trace on find it even when <see cref="AutoCreateTopicEnable"/> is off (<c>traceTopicEnable</c>). Default false.
    /// </summary>
    public bool TraceTopicEnable { get; set; }

    /// <summary>The message-trace topic <see cref="TraceTopicEnable"/> creates (<c>msgTraceTopicName</c>). Default <c>RMQ_SYS_TRACE_TOPIC</c>.</summary>
    public string MsgTraceTopicName { get; set; } = "RMQ_SYS_TRACE_TOPIC";

    /// <summary>
    /// Honour RocketMQ 5 timer messages (<c>timerWheelEnable</c>): a message with <c>TIMER_DELIVER_MS</c>,
    /// <c>TIMER_DELAY_SEC</c> or <c>TIMER_DELAY_MS</c> waits in <c>rmq_sys_wheel_timer</c> until its time. Off, such a
    /// message is refused (MESSAGE_ILLEGAL), as a 5.x broker with the wheel off refuses it. Default true.
    /// </summary>
    public bool TimerWheelEnable { get; set; } = true;

    /// <summary>Longest delay a timer message may ask for, in seconds (<c>timerMaxDelaySec</c>). Default 3 days.</summary>
    public long TimerMaxDelaySec { get; set; } = 3 * 24 * 3600;

    /// <summary>Granularity of timer delivery times in ms (<c>timerPrecisionMs</c>; 5.x rounds them down to it). Default 1000.</summary>
    public int TimerPrecisionMs { get; set; } = 1000;

    /// <summary>
    /// Check every request against the ACL accounts (<c>aclEnable</c>; RocketMQ 4.9's plain ACL): clients sign with
    /// an access key and secret key (<c>ClientOptions.AccessKey</c>/<c>SecretKey</c>, Java's <c>AclClientRPCHook</c>),
    /// and may only use the topics and groups their account grants. The accounts come from <see cref="AclFilePath"/>
    /// and <see cref="AclDirectory"/> when set, otherwise from <see cref="Acl"/>. Default false. A slave with ACL signs its metadata copy as
    /// its first admin account, so give slaves the master's accounts (or, as with RocketMQ, white-list them).
    /// </summary>
    public bool AclEnable { get; set; }

    /// <summary>
    /// A RocketMQ <c>plain_acl.yml</c> to read the accounts from (created empty when missing; reloaded when it
    /// changes; rewritten by the ACL admin commands, which add new accounts here). Null (the default) uses
    /// <see cref="AclDirectory"/>'s files when set, else <see cref="Acl"/>.
    /// </summary>
    public string? AclFilePath { get; set; }

    /// <summary>
    /// A directory of further ACL files (RocketMQ 4.9.3+'s <c>conf/acl</c>): every <c>.yml</c>/<c>.yaml</c> file under
    /// it adds accounts and global white-list entries; an access key defined twice is taken from the first file in
    /// ordinal path order, the directory before <see cref="AclFilePath"/>. Files that appear, change or go are picked
    /// up within a second; an admin command changes an account in the file that defines it. When
    /// <see cref="AclFilePath"/> is not set, the default file is <c>plain_acl.yml</c> in this directory. Null (the
    /// default): no directory.
    /// </summary>
    public string? AclDirectory { get; set; }

    /// <summary>The accounts and global white list when neither <see cref="AclFilePath"/> nor <see cref="AclDirectory"/> is set.</summary>
    public Protocol.Body.AclConfig Acl { get; set; } = new();

    /// <summary>Most messages a UNIQ_KEY query returns (<c>defaultQueryMaxNum</c>). Default 32.</summary>
    public int DefaultQueryMaxNum { get; set; } = 32;

    /// <summary>Transaction: a half message older than this is checked back. Default 6 s (used by the transaction service).</summary>
    public TimeSpan TransactionTimeOut { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Transaction: how often half messages are checked. Default 60 s (used by the transaction service).</summary>
    public TimeSpan TransactionCheckInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Transaction: checks before a half message is discarded. Default 15 (used by the transaction service).</summary>
    public int TransactionCheckMax { get; set; } = 15;

    /// <summary>Delay levels (<c>messageDelayLevel</c>). Default <c>1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h</c>.</summary>
    public string MessageDelayLevel { get; set; } = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

    /// <summary>
    /// Orderly consumers: a queue lock not renewed for this long may be taken by another client
    /// (<c>rocketmq.broker.rebalance.lockMaxLiveTime</c>). Default 60 s. Risk: shorter than the clients' 20 s
    /// renewal period lets two consumers process one queue at once.
    /// </summary>
    public TimeSpan RebalanceLockMaxLiveTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often delay-level progress is written to <c>config/delayOffset.json</c> (<c>flushDelayOffsetInterval</c>).
    /// Default 10 s. Risk: after a crash (not a clean stop) messages delivered since the last write are delivered again.
    /// </summary>
    public TimeSpan FlushDelayOffsetInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Remoting settings of the broker's server (frame limits, buffers, shutdown timeout) and of its NameServer client.</summary>
    public Transport.TransportOptions Transport { get; set; } = new();

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        List<string> errors = CollectErrors();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(nameof(BrokerOptions), typeof(BrokerOptions), errors);
        }
    }

    /// <summary>Every invalid setting, described; empty when valid.</summary>
    internal List<string> CollectErrors()
    {
        List<string> errors = [];
        if (string.IsNullOrWhiteSpace(BrokerClusterName) || !Topics.TopicValidator.IsValidName(BrokerClusterName))
        {
            errors.Add($"BrokerClusterName must be a valid topic-like name (was '{BrokerClusterName}').");
        }
        if (string.IsNullOrWhiteSpace(BrokerName) || !Topics.TopicValidator.IsValidName(BrokerName))
        {
            errors.Add($"BrokerName must be a valid topic-like name (was '{BrokerName}').");
        }
        if (TraceTopicEnable && !Topics.TopicValidator.IsValidName(MsgTraceTopicName))
        {
            errors.Add($"MsgTraceTopicName must be a valid topic name when TraceTopicEnable is on (was '{MsgTraceTopicName}').");
        }
        if (AclEnable && (AclFilePath is not null || AclDirectory is not null) && (Acl.PlainAccessConfigs.Count > 0 || Acl.GlobalWhiteAddrs.Count > 0))
        {
            errors.Add("Configure ACL either in files (AclFilePath, AclDirectory) or in Acl, not both.");
        }
        if (TimerMaxDelaySec < 1 || TimerPrecisionMs is < 1 or > 60_000)
        {
            errors.Add($"TimerMaxDelaySec must be positive and TimerPrecisionMs 1-60000 (were {TimerMaxDelaySec} and {TimerPrecisionMs}).");
        }
        if (BrokerId < 0)
        {
            errors.Add($"BrokerId must be >= 0 (was {BrokerId}).");
        }
        if ((BrokerId == 0) == (BrokerRole == BrokerRole.Slave))
        {
            errors.Add($"BrokerId {BrokerId} does not match BrokerRole {BrokerRole} (0 is the master, > 0 a slave).");
        }
        foreach (string address in NameServerAddresses())
        {
            if (!IsHostPort(address))
            {
                errors.Add($"NamesrvAddr entry '{address}' must be host:port.");
            }
        }
        if (ListenPort is < 0 or > 65535 || (ListenPort is > 0 and < 3 && VipChannelEnable))
        {
            errors.Add($"ListenPort must be 0 or 3-65535 (was {ListenPort}).");
        }
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            errors.Add($"ListenAddress must be an IP address (was '{ListenAddress}').");
        }
        if (BrokerIP1 is not null && !IPAddress.TryParse(BrokerIP1, out _))
        {
            errors.Add($"BrokerIP1 must be an IP address (was '{BrokerIP1}').");
        }
        if (DefaultTopicQueueNums is < 1 or > 1024)
        {
            errors.Add($"DefaultTopicQueueNums must be 1-1024 (was {DefaultTopicQueueNums}).");
        }
        if (MaxMessageSize < 1024 || MaxMessageSize > MappedFileSizeCommitLog - 1024)
        {
            errors.Add($"MaxMessageSize must be at least 1 KiB and fit in a commit-log segment (was {MaxMessageSize}).");
        }
        if ((BrokerPermission & ~7) != 0)
        {
            errors.Add($"BrokerPermission must be a PermName combination (was {BrokerPermission}).");
        }
        Positive(RegisterNameServerPeriod, nameof(RegisterNameServerPeriod));
        Positive(RegisterBrokerTimeout, nameof(RegisterBrokerTimeout));
        Positive(ChannelExpiredTimeout, nameof(ChannelExpiredTimeout));
        Positive(ChannelScanInterval, nameof(ChannelScanInterval));
        Positive(PullHoldCheckInterval, nameof(PullHoldCheckInterval));
        Positive(FlushConsumerOffsetInterval, nameof(FlushConsumerOffsetInterval));
        Positive(SyncFlushTimeout, nameof(SyncFlushTimeout));
        Positive(TransactionTimeOut, nameof(TransactionTimeOut));
        Positive(TransactionCheckInterval, nameof(TransactionCheckInterval));
        Positive(RebalanceLockMaxLiveTime, nameof(RebalanceLockMaxLiveTime));
        Positive(FlushDelayOffsetInterval, nameof(FlushDelayOffsetInterval));
        if (ShortPollingTimeMills <= 0)
        {
            errors.Add($"ShortPollingTimeMills must be positive (was {ShortPollingTimeMills}).");
        }
        if (MaxInFlightSends < 1 || MaxUnflushedBytes < 1024 * 1024 || DefaultQueryMaxNum < 1 || TransactionCheckMax < 1)
        {
            errors.Add("MaxInFlightSends, DefaultQueryMaxNum and TransactionCheckMax must be positive and MaxUnflushedBytes at least 1 MiB.");
        }
        CollectHaErrors(errors);
        if (string.IsNullOrWhiteSpace(StorePathRootDir))
        {
            errors.Add("StorePathRootDir must be set.");
        }
        else
        {
            try
            {
                ToStoreOptions().Validate();
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }
        return errors;

        void Positive(TimeSpan value, string name)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name} must be positive (was {value}).");
            }
        }
    }

    /// <summary>The NameServer addresses, with ';'-separated entries split.</summary>
    internal List<string> NameServerAddresses() => NameServerAddresses(NamesrvAddr);

    /// <summary><paramref name="entries"/> (NamesrvAddr values) with ';'-separated entries split and duplicates dropped.</summary>
    internal static List<string> NameServerAddresses(IEnumerable<string> entries)
    {
        var result = new List<string>();
        foreach (string entry in entries)
        {
            foreach (string part in (entry ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!result.Contains(part))
                {
                    result.Add(part);
                }
            }
        }
        return result;
    }

    /// <summary>The store settings this broker implies.</summary>
    internal StoreOptions ToStoreOptions() => new()
    {
        StorePathRootDir = StorePathRootDir,
        MappedFileSizeCommitLog = MappedFileSizeCommitLog,
        MappedFileSizeConsumeQueue = MappedFileSizeConsumeQueue,
        MaxMessageSize = Math.Min(MappedFileSizeCommitLog - 8, MaxMessageSize + 64 * 1024),
        FlushDiskType = FlushDiskType,
        SyncFlushTimeout = SyncFlushTimeout,
        FlushIntervalCommitLog = FlushIntervalCommitLog,
        FlushCommitLogLeastPages = FlushCommitLogLeastPages,
        FlushCommitLogTimed = FlushCommitLogTimed,
        WarmMappedFileEnable = WarmMapedFileEnable,
        BrokerRole = BrokerRole,
        DeviceKind = DeviceKind,
        FileReservedTime = FileReservedTime,
        CleanResourceInterval = CleanResourceInterval,
        DiskSpaceWarningLevelRatio = DiskSpaceWarningLevelRatio,
        MaxHashSlotNum = MaxHashSlotNum,
        MaxIndexNum = MaxIndexNum,
        MessageDelayLevel = MessageDelayLevel,
        AccessMessageInMemoryMaxRatio = AccessMessageInMemoryMaxRatio,
        TotalPhysicalMemoryBytes = TotalPhysicalMemoryBytes,
    };

    /// <summary>The advertised address: <see cref="BrokerIP1"/>, else as documented there.</summary>
    internal IPAddress ResolveBrokerIP1()
    {
        if (BrokerIP1 is not null)
        {
            return IPAddress.Parse(BrokerIP1);
        }
        var listen = IPAddress.Parse(ListenAddress);
        if (IPAddress.IsLoopback(listen))
        {
            return IPAddress.Loopback;
        }
        if (!listen.Equals(IPAddress.Any) && !listen.Equals(IPAddress.IPv6Any))
        {
            return listen;
        }
        IPAddress? fallback = null;
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up)
            {
                continue;
            }
            foreach (UnicastIPAddressInformation info in nic.GetIPProperties().UnicastAddresses)
            {
                IPAddress address = info.Address;
                if (address.AddressFamily != AddressFamily.InterNetwork || IPAddress.IsLoopback(address))
                {
                    continue;
                }
                if (!address.ToString().StartsWith("192.168.", StringComparison.Ordinal))
                {
                    return address;
                }
                fallback ??= address;
            }
        }
        return fallback ?? IPAddress.Loopback;
    }

    private static bool IsHostPort(string address)
    {
        int colon = address.LastIndexOf(':');
        return colon > 0 && int.TryParse(address.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port)
            && port is > 0 and <= 65535;
    }

    internal BrokerOptions Clone()
    {
        var copy = (BrokerOptions)MemberwiseClone();
        copy.NamesrvAddr = [.. NamesrvAddr];
        copy.Acl = Acl.Clone();
        return copy;
    }
}
