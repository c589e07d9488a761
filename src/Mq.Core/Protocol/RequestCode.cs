namespace Mq.Protocol;

/// <summary>
/// Request codes of the remoting protocol (RocketMQ 4.9.8 <c>RequestCode</c>; numbers unchanged in 5.x).
/// Names are the Java constants in Pascal case.
/// </summary>
public static class RequestCode
{
    /// <summary><c>SEND_MESSAGE</c> (10).</summary>
    public const int SendMessage = 10;
    /// <summary><c>PULL_MESSAGE</c> (11).</summary>
    public const int PullMessage = 11;
    /// <summary><c>QUERY_MESSAGE</c> (12).</summary>
    public const int QueryMessage = 12;
    /// <summary><c>QUERY_BROKER_OFFSET</c> (13).</summary>
    public const int QueryBrokerOffset = 13;
    /// <summary><c>QUERY_CONSUMER_OFFSET</c> (14).</summary>
    public const int QueryConsumerOffset = 14;
    /// <summary><c>UPDATE_CONSUMER_OFFSET</c> (15).</summary>
    public const int UpdateConsumerOffset = 15;
    /// <summary><c>UPDATE_AND_CREATE_TOPIC</c> (17).</summary>
    public const int UpdateAndCreateTopic = 17;
    /// <summary><c>GET_ALL_TOPIC_CONFIG</c> (21).</summary>
    public const int GetAllTopicConfig = 21;
    /// <summary><c>GET_TOPIC_CONFIG_LIST</c> (22).</summary>
    public const int GetTopicConfigList = 22;
    /// <summary><c>GET_TOPIC_NAME_LIST</c> (23).</summary>
    public const int GetTopicNameList = 23;
    /// <summary><c>UPDATE_BROKER_CONFIG</c> (25).</summary>
    public const int UpdateBrokerConfig = 25;
    /// <summary><c>GET_BROKER_CONFIG</c> (26).</summary>
    public const int GetBrokerConfig = 26;
    /// <summary><c>TRIGGER_DELETE_FILES</c> (27).</summary>
    public const int TriggerDeleteFiles = 27;
    /// <summary><c>GET_BROKER_RUNTIME_INFO</c> (28).</summary>
    public const int GetBrokerRuntimeInfo = 28;
    /// <summary><c>SEARCH_OFFSET_BY_TIMESTAMP</c> (29).</summary>
    public const int SearchOffsetByTimestamp = 29;
    /// <summary><c>GET_MAX_OFFSET</c> (30).</summary>
    public const int GetMaxOffset = 30;
    /// <summary><c>GET_MIN_OFFSET</c> (31).</summary>
    public const int GetMinOffset = 31;
    /// <summary><c>GET_EARLIEST_MSG_STORETIME</c> (32).</summary>
    public const int GetEarliestMsgStoretime = 32;
    /// <summary><c>VIEW_MESSAGE_BY_ID</c> (33).</summary>
    public const int ViewMessageById = 33;
    /// <summary><c>HEART_BEAT</c> (34).</summary>
    public const int HeartBeat = 34;
    /// <summary><c>UNREGISTER_CLIENT</c> (35).</summary>
    public const int UnregisterClient = 35;
    /// <summary><c>CONSUMER_SEND_MSG_BACK</c> (36).</summary>
    public const int ConsumerSendMsgBack = 36;
    /// <summary><c>END_TRANSACTION</c> (37).</summary>
    public const int EndTransaction = 37;
    /// <summary><c>GET_CONSUMER_LIST_BY_GROUP</c> (38).</summary>
    public const int GetConsumerListByGroup = 38;
    /// <summary><c>CHECK_TRANSACTION_STATE</c> (39).</summary>
    public const int CheckTransactionState = 39;
    /// <summary><c>NOTIFY_CONSUMER_IDS_CHANGED</c> (40).</summary>
    public const int NotifyConsumerIdsChanged = 40;
    /// <summary><c>LOCK_BATCH_MQ</c> (41).</summary>
    public const int LockBatchMq = 41;
    /// <summary><c>UNLOCK_BATCH_MQ</c> (42).</summary>
    public const int UnlockBatchMq = 42;
    /// <summary><c>GET_ALL_CONSUMER_OFFSET</c> (43).</summary>
    public const int GetAllConsumerOffset = 43;
    /// <summary><c>GET_ALL_DELAY_OFFSET</c> (45).</summary>
    public const int GetAllDelayOffset = 45;
    /// <summary><c>CHECK_CLIENT_CONFIG</c> (46).</summary>
    public const int CheckClientConfig = 46;
    /// <summary><c>UPDATE_AND_CREATE_ACL_CONFIG</c> (50).</summary>
    public const int UpdateAndCreateAclConfig = 50;
    /// <summary><c>DELETE_ACL_CONFIG</c> (51).</summary>
    public const int DeleteAclConfig = 51;
    /// <summary><c>GET_BROKER_CLUSTER_ACL_INFO</c> (52).</summary>
    public const int GetBrokerClusterAclInfo = 52;
    /// <summary><c>UPDATE_GLOBAL_WHITE_ADDRS_CONFIG</c> (53).</summary>
    public const int UpdateGlobalWhiteAddrsConfig = 53;
    /// <summary><c>GET_BROKER_CLUSTER_ACL_CONFIG</c> (54): the broker's ACL accounts and global white list (4.9).</summary>
    public const int GetBrokerClusterAclConfig = 54;
    /// <summary><c>PUT_KV_CONFIG</c> (100).</summary>
    public const int PutKVConfig = 100;
    /// <summary><c>GET_KV_CONFIG</c> (101).</summary>
    public const int GetKVConfig = 101;
    /// <summary><c>DELETE_KV_CONFIG</c> (102).</summary>
    public const int DeleteKVConfig = 102;
    /// <summary><c>REGISTER_BROKER</c> (103).</summary>
    public const int RegisterBroker = 103;
    /// <summary><c>UNREGISTER_BROKER</c> (104).</summary>
    public const int UnregisterBroker = 104;
    /// <summary><c>GET_ROUTEINFO_BY_TOPIC</c> (105).</summary>
    public const int GetRouteInfoByTopic = 105;
    /// <summary><c>GET_BROKER_CLUSTER_INFO</c> (106).</summary>
    public const int GetBrokerClusterInfo = 106;
    /// <summary><c>UPDATE_AND_CREATE_SUBSCRIPTIONGROUP</c> (200).</summary>
    public const int UpdateAndCreateSubscriptionGroup = 200;
    /// <summary><c>GET_ALL_SUBSCRIPTIONGROUP_CONFIG</c> (201).</summary>
    public const int GetAllSubscriptionGroupConfig = 201;
    /// <summary><c>GET_TOPIC_STATS_INFO</c> (202).</summary>
    public const int GetTopicStatsInfo = 202;
    /// <summary><c>GET_CONSUMER_CONNECTION_LIST</c> (203).</summary>
    public const int GetConsumerConnectionList = 203;
    /// <summary><c>GET_PRODUCER_CONNECTION_LIST</c> (204).</summary>
    public const int GetProducerConnectionList = 204;
    /// <summary><c>WIPE_WRITE_PERM_OF_BROKER</c> (205).</summary>
    public const int WipeWritePermOfBroker = 205;
    /// <summary><c>GET_ALL_TOPIC_LIST_FROM_NAMESERVER</c> (206).</summary>
    public const int GetAllTopicListFromNameserver = 206;
    /// <summary><c>DELETE_SUBSCRIPTIONGROUP</c> (207).</summary>
    public const int DeleteSubscriptionGroup = 207;
    /// <summary><c>GET_CONSUME_STATS</c> (208).</summary>
    public const int GetConsumeStats = 208;
    /// <summary><c>SUSPEND_CONSUMER</c> (209).</summary>
    public const int SuspendConsumer = 209;
    /// <summary><c>RESUME_CONSUMER</c> (210).</summary>
    public const int ResumeConsumer = 210;
    /// <summary><c>RESET_CONSUMER_OFFSET_IN_CONSUMER</c> (211).</summary>
    public const int ResetConsumerOffsetInConsumer = 211;
    /// <summary><c>RESET_CONSUMER_OFFSET_IN_BROKER</c> (212).</summary>
    public const int ResetConsumerOffsetInBroker = 212;
    /// <summary><c>ADJUST_CONSUMER_THREAD_POOL</c> (213).</summary>
    public const int AdjustConsumerThreadPool = 213;
    /// <summary><c>WHO_CONSUME_THE_MESSAGE</c> (214).</summary>
    public const int WhoConsumeTheMessage = 214;
    /// <summary><c>DELETE_TOPIC_IN_BROKER</c> (215).</summary>
    public const int DeleteTopicInBroker = 215;
    /// <summary><c>DELETE_TOPIC_IN_NAMESRV</c> (216).</summary>
    public const int DeleteTopicInNamesrv = 216;
    /// <summary><c>GET_KVLIST_BY_NAMESPACE</c> (219).</summary>
    public const int GetKVListByNamespace = 219;
    /// <summary><c>RESET_CONSUMER_CLIENT_OFFSET</c> (220).</summary>
    public const int ResetConsumerClientOffset = 220;
    /// <summary><c>GET_CONSUMER_STATUS_FROM_CLIENT</c> (221).</summary>
    public const int GetConsumerStatusFromClient = 221;
    /// <summary><c>INVOKE_BROKER_TO_RESET_OFFSET</c> (222).</summary>
    public const int InvokeBrokerToResetOffset = 222;
    /// <summary><c>INVOKE_BROKER_TO_GET_CONSUMER_STATUS</c> (223).</summary>
    public const int InvokeBrokerToGetConsumerStatus = 223;
    /// <summary><c>GET_TOPICS_BY_CLUSTER</c> (224).</summary>
    public const int GetTopicsByCluster = 224;
    /// <summary><c>QUERY_TOPIC_CONSUME_BY_WHO</c> (300).</summary>
    public const int QueryTopicConsumeByWho = 300;
    /// <summary><c>REGISTER_FILTER_SERVER</c> (301).</summary>
    public const int RegisterFilterServer = 301;
    /// <summary><c>REGISTER_MESSAGE_FILTER_CLASS</c> (302).</summary>
    public const int RegisterMessageFilterClass = 302;
    /// <summary><c>QUERY_CONSUME_TIME_SPAN</c> (303).</summary>
    public const int QueryConsumeTimeSpan = 303;
    /// <summary><c>GET_SYSTEM_TOPIC_LIST_FROM_NS</c> (304).</summary>
    public const int GetSystemTopicListFromNs = 304;
    /// <summary><c>GET_SYSTEM_TOPIC_LIST_FROM_BROKER</c> (305).</summary>
    public const int GetSystemTopicListFromBroker = 305;
    /// <summary><c>CLEAN_EXPIRED_CONSUMEQUEUE</c> (306).</summary>
    public const int CleanExpiredConsumeQueue = 306;
    /// <summary><c>GET_CONSUMER_RUNNING_INFO</c> (307).</summary>
    public const int GetConsumerRunningInfo = 307;
    /// <summary><c>QUERY_CORRECTION_OFFSET</c> (308).</summary>
    public const int QueryCorrectionOffset = 308;
    /// <summary><c>CONSUME_MESSAGE_DIRECTLY</c> (309).</summary>
    public const int ConsumeMessageDirectly = 309;
    /// <summary><c>SEND_MESSAGE_V2</c> (310).</summary>
    public const int SendMessageV2 = 310;
    /// <summary><c>GET_UNIT_TOPIC_LIST</c> (311).</summary>
    public const int GetUnitTopicList = 311;
    /// <summary><c>GET_HAS_UNIT_SUB_TOPIC_LIST</c> (312).</summary>
    public const int GetHasUnitSubTopicList = 312;
    /// <summary><c>GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST</c> (313).</summary>
    public const int GetHasUnitSubUnunitTopicList = 313;
    /// <summary><c>CLONE_GROUP_OFFSET</c> (314).</summary>
    public const int CloneGroupOffset = 314;
    /// <summary><c>VIEW_BROKER_STATS_DATA</c> (315).</summary>
    public const int ViewBrokerStatsData = 315;
    /// <summary><c>CLEAN_UNUSED_TOPIC</c> (316).</summary>
    public const int CleanUnusedTopic = 316;
    /// <summary><c>GET_BROKER_CONSUME_STATS</c> (317).</summary>
    public const int GetBrokerConsumeStats = 317;
    /// <summary><c>UPDATE_NAMESRV_CONFIG</c> (318).</summary>
    public const int UpdateNamesrvConfig = 318;
    /// <summary><c>GET_NAMESRV_CONFIG</c> (319).</summary>
    public const int GetNamesrvConfig = 319;
    /// <summary><c>SEND_BATCH_MESSAGE</c> (320).</summary>
    public const int SendBatchMessage = 320;
    /// <summary><c>QUERY_CONSUME_QUEUE</c> (321).</summary>
    public const int QueryConsumeQueue = 321;
    /// <summary><c>QUERY_DATA_VERSION</c> (322).</summary>
    public const int QueryDataVersion = 322;
    /// <summary><c>RESUME_CHECK_HALF_MESSAGE</c> (323).</summary>
    public const int ResumeCheckHalfMessage = 323;
    /// <summary><c>SEND_REPLY_MESSAGE</c> (324).</summary>
    public const int SendReplyMessage = 324;
    /// <summary><c>SEND_REPLY_MESSAGE_V2</c> (325).</summary>
    public const int SendReplyMessageV2 = 325;
    /// <summary><c>PUSH_REPLY_MESSAGE_TO_CLIENT</c> (326).</summary>
    public const int PushReplyMessageToClient = 326;
    /// <summary><c>ADD_WRITE_PERM_OF_BROKER</c> (327).</summary>
    public const int AddWritePermOfBroker = 327;
    /// <summary><c>GET_ALL_PRODUCER_INFO</c> (328).</summary>
    public const int GetAllProducerInfo = 328;
    /// <summary><c>DELETE_EXPIRED_COMMITLOG</c> (329).</summary>
    public const int DeleteExpiredCommitlog = 329;
}
