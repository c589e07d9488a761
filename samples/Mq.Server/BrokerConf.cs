using System.Globalization;
using Mq.Brokers;
using Mq.Storage;

namespace Mq.Server;

/// <summary>
/// An Apache RocketMQ <c>broker.conf</c>: Java properties-style <c>key=value</c> lines, <c>#</c>/<c>!</c> comments,
/// RocketMQ property names (brokerClusterName, brokerName, brokerId, namesrvAddr, brokerIP1, listenPort,
/// storePathRootDir, brokerRole, flushDiskType, autoCreateTopicEnable...), mapped onto <see cref="BrokerOptions"/>.
/// </summary>
internal static class BrokerConf
{
    /// <summary>Reads the key/value pairs; a later duplicate wins, as with java.util.Properties.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            int separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw new FormatException($"line {lineNumber}: expected key=value, got '{line}'");
            }
            values[line[..separator].Trim()] = line[(separator + 1)..].Trim();
        }
        return values;
    }

    /// <summary>
    /// Applies <paramref name="values"/> to <paramref name="options"/>; returns the keys Mq does not use (RocketMQ has
    /// hundreds of settings: unknown ones are reported, not fatal). Throws <see cref="FormatException"/> on a bad value.
    /// </summary>
    public static List<string> Apply(IReadOnlyDictionary<string, string> values, BrokerOptions options)
    {
        var ignored = new List<string>();
        foreach ((string key, string value) in values)
        {
            switch (key)
            {
                case "brokerClusterName": options.BrokerClusterName = value; break;
                case "brokerName": options.BrokerName = value; break;
                case "brokerId": options.BrokerId = Long(key, value); break;
                case "namesrvAddr": options.NamesrvAddr = [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "brokerIP1": options.BrokerIP1 = value; break;
                case "listenPort": options.ListenPort = Int(key, value); break;
                case "storePathRootDir": options.StorePathRootDir = value; break;
                case "brokerRole": options.BrokerRole = Role(value); break;
                case "flushDiskType": options.FlushDiskType = Flush(value); break;
                case "autoCreateTopicEnable": options.AutoCreateTopicEnable = Bool(key, value); break;
                case "autoCreateSubscriptionGroup": options.AutoCreateSubscriptionGroup = Bool(key, value); break;
                case "defaultTopicQueueNums": options.DefaultTopicQueueNums = Int(key, value); break;
                case "mapedFileSizeCommitLog" or "mappedFileSizeCommitLog": options.MappedFileSizeCommitLog = Int(key, value); break;
                case "mapedFileSizeConsumeQueue" or "mappedFileSizeConsumeQueue": options.MappedFileSizeConsumeQueue = Int(key, value); break;
                case "fileReservedTime": options.FileReservedTime = Int(key, value); break;
                case "maxMessageSize": options.MaxMessageSize = Int(key, value); break;
                case "brokerPermission": options.BrokerPermission = Int(key, value); break;
                case "messageDelayLevel": options.MessageDelayLevel = value; break;
                case "longPollingEnable": options.LongPollingEnable = Bool(key, value); break;
                case "shortPollingTimeMills": options.ShortPollingTimeMills = Long(key, value); break;
                case "defaultQueryMaxNum": options.DefaultQueryMaxNum = Int(key, value); break;
                case "slaveReadEnable": options.SlaveReadEnable = Bool(key, value); break;
                case "haMasterAddress": options.HaMasterAddress = value.Length == 0 ? null : value; break;
                case "haListenPort": options.HaListenPort = Int(key, value); break;
                case "haSendHeartbeatInterval": options.HaSendHeartbeatInterval = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "haHousekeepingInterval": options.HaHousekeepingInterval = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "haTransferBatchSize": options.HaTransferBatchSize = Int(key, value); break;
                case "haSlaveFallbehindMax": options.HaSlaveFallbehindMax = Long(key, value); break;
                case "syncFlushTimeout": options.SyncFlushTimeout = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "flushIntervalCommitLog": options.FlushIntervalCommitLog = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "flushCommitLogLeastPages": options.FlushCommitLogLeastPages = Int(key, value); break;
                case "flushCommitLogTimed": options.FlushCommitLogTimed = Bool(key, value); break;
                case "warmMapedFileEnable": options.WarmMapedFileEnable = Bool(key, value); break;
                case "accessMessageInMemoryMaxRatio": options.AccessMessageInMemoryMaxRatio = Int(key, value); break;
                case "traceOn": options.TraceOn = Bool(key, value); break;
                case "regionId": options.RegionId = value; break;
                case "traceTopicEnable": options.TraceTopicEnable = Bool(key, value); break;
                case "msgTraceTopicName": options.MsgTraceTopicName = value; break;
                case "aclEnable": options.AclEnable = Bool(key, value); break;
                case "timerWheelEnable": options.TimerWheelEnable = Bool(key, value); break;
                case "timerMaxDelaySec": options.TimerMaxDelaySec = Long(key, value); break;
                case "timerPrecisionMs": options.TimerPrecisionMs = Int(key, value); break;
                case "transactionCheckMax": options.TransactionCheckMax = Int(key, value); break;
                case "transactionTimeOut": options.TransactionTimeOut = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "transactionCheckInterval": options.TransactionCheckInterval = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "registerNameServerPeriod": options.RegisterNameServerPeriod = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "flushConsumerOffsetInterval": options.FlushConsumerOffsetInterval = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "maxHashSlotNum": options.MaxHashSlotNum = Int(key, value); break;
                case "maxIndexNum": options.MaxIndexNum = Int(key, value); break;
                case "cleanResourceInterval": options.CleanResourceInterval = TimeSpan.FromMilliseconds(Long(key, value)); break;
                case "serverChannelMaxIdleTimeSeconds": options.Transport.ChannelMaxIdleTime = TimeSpan.FromSeconds(Int(key, value)); break;
                default: ignored.Add(key); break;
            }
        }
        return ignored;
    }

    private static int Int(string key, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(key, value, "an integer");

    private static long Long(string key, string value) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : throw Bad(key, value, "an integer");

    private static bool Bool(string key, string value) =>
        // java.lang.Boolean.parseBoolean: "true" in any case is true, anything else false; be stricter and refuse typos.
        value.Equals("true", StringComparison.OrdinalIgnoreCase) ? true
        : value.Equals("false", StringComparison.OrdinalIgnoreCase) ? false
        : throw Bad(key, value, "true or false");

    private static BrokerRole Role(string value) => value.ToUpperInvariant() switch
    {
        "ASYNC_MASTER" => BrokerRole.AsyncMaster,
        "SYNC_MASTER" => BrokerRole.SyncMaster,
        "SLAVE" => BrokerRole.Slave,
        _ => throw Bad("brokerRole", value, "ASYNC_MASTER, SYNC_MASTER or SLAVE"),
    };

    private static FlushDiskType Flush(string value) => value.ToUpperInvariant() switch
    {
        "ASYNC_FLUSH" => FlushDiskType.AsyncFlush,
        "SYNC_FLUSH" => FlushDiskType.SyncFlush,
        _ => throw Bad("flushDiskType", value, "ASYNC_FLUSH or SYNC_FLUSH"),
    };

    private static FormatException Bad(string key, string value, string expected) => new($"{key}={value}: expected {expected}");
}
