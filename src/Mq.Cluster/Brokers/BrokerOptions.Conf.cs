using System.Globalization;
using Mq.Storage;

namespace Mq.Brokers;

public sealed partial class BrokerOptions
{
    /// <summary>
    /// The settings that have an Apache RocketMQ <c>BrokerConfig</c>/<c>MessageStoreConfig</c> name, under that name
    /// and in Java's format (durations in milliseconds, roles and flush types as their enum names): what
    /// GET_BROKER_CONFIG answers (<c>mqadmin getBrokerConfig</c>), and what a <c>broker.conf</c> with these lines
    /// would configure.
    /// </summary>
    internal List<KeyValuePair<string, string>> RocketMqProperties()
    {
        var properties = new List<KeyValuePair<string, string>>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                properties.Add(new(name, value switch
                {
                    bool b => b ? "true" : "false",
                    TimeSpan t => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? string.Empty,
                }));
            }
        }
        Add("brokerClusterName", BrokerClusterName);
        Add("brokerName", BrokerName);
        Add("brokerId", BrokerId);
        Add("namesrvAddr", string.Join(';', NamesrvAddr));
        Add("brokerIP1", BrokerIP1);
        Add("listenPort", ListenPort);
        Add("storePathRootDir", StorePathRootDir);
        Add("brokerRole", BrokerRole switch
        {
            BrokerRole.SyncMaster => "SYNC_MASTER",
            BrokerRole.Slave => "SLAVE",
            _ => "ASYNC_MASTER",
        });
        Add("flushDiskType", FlushDiskType == FlushDiskType.SyncFlush ? "SYNC_FLUSH" : "ASYNC_FLUSH");
        Add("mappedFileSizeCommitLog", MappedFileSizeCommitLog);
        Add("mappedFileSizeConsumeQueue", MappedFileSizeConsumeQueue);
        Add("fileReservedTime", FileReservedTime);
        Add("maxMessageSize", MaxMessageSize);
        Add("brokerPermission", BrokerPermission);
        Add("autoCreateTopicEnable", AutoCreateTopicEnable);
        Add("autoCreateSubscriptionGroup", AutoCreateSubscriptionGroup);
        Add("defaultTopicQueueNums", DefaultTopicQueueNums);
        Add("messageDelayLevel", MessageDelayLevel);
        Add("longPollingEnable", LongPollingEnable);
        Add("shortPollingTimeMills", ShortPollingTimeMills);
        Add("slaveReadEnable", SlaveReadEnable);
        Add("accessMessageInMemoryMaxRatio", AccessMessageInMemoryMaxRatio);
        Add("haMasterAddress", HaMasterAddress);
        Add("haListenPort", HaListenPort);
        Add("haSendHeartbeatInterval", HaSendHeartbeatInterval);
        Add("haHousekeepingInterval", HaHousekeepingInterval);
        Add("haTransferBatchSize", HaTransferBatchSize);
        Add("haSlaveFallbehindMax", HaSlaveFallbehindMax);
        Add("syncFlushTimeout", SyncFlushTimeout);
        Add("flushIntervalCommitLog", FlushIntervalCommitLog);
        Add("flushCommitLogLeastPages", FlushCommitLogLeastPages);
        Add("flushCommitLogTimed", FlushCommitLogTimed);
        Add("warmMapedFileEnable", WarmMapedFileEnable);
        Add("cleanResourceInterval", CleanResourceInterval);
        Add("maxHashSlotNum", MaxHashSlotNum);
        Add("maxIndexNum", MaxIndexNum);
        Add("traceOn", TraceOn);
        Add("regionId", RegionId);
        Add("traceTopicEnable", TraceTopicEnable);
        Add("msgTraceTopicName", MsgTraceTopicName);
        Add("aclEnable", AclEnable);
        Add("timerWheelEnable", TimerWheelEnable);
        Add("timerMaxDelaySec", TimerMaxDelaySec);
        Add("timerPrecisionMs", TimerPrecisionMs);
        Add("transactionTimeOut", TransactionTimeOut);
        Add("transactionCheckInterval", TransactionCheckInterval);
        Add("transactionCheckMax", TransactionCheckMax);
        Add("registerNameServerPeriod", RegisterNameServerPeriod);
        Add("flushConsumerOffsetInterval", FlushConsumerOffsetInterval);
        Add("defaultQueryMaxNum", DefaultQueryMaxNum);
        Add("serverChannelMaxIdleTimeSeconds", (long)Transport.ChannelMaxIdleTime.TotalSeconds);
        return properties;
    }
}
