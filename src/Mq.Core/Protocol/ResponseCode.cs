namespace Mq.Protocol;

/// <summary>
/// Response codes (RocketMQ 4.9.8 <c>ResponseCode</c> and <c>RemotingSysResponseCode</c>). 209-211 mean
/// different things in 5.x; the 4.9 meaning is used here.
/// </summary>
public static class ResponseCode
{
    /// <summary><c>SUCCESS</c> (0).</summary>
    public const int Success = 0;
    /// <summary><c>SYSTEM_ERROR</c> (1): generic failure; Java producer retries on it.</summary>
    public const int SystemError = 1;
    /// <summary><c>SYSTEM_BUSY</c> (2): flow control / pool full.</summary>
    public const int SystemBusy = 2;
    /// <summary><c>REQUEST_CODE_NOT_SUPPORTED</c> (3).</summary>
    public const int RequestCodeNotSupported = 3;
    /// <summary><c>TRANSACTION_FAILED</c> (4).</summary>
    public const int TransactionFailed = 4;
    /// <summary><c>FLUSH_DISK_TIMEOUT</c> (10): message stored (sync flush timed out).</summary>
    public const int FlushDiskTimeout = 10;
    /// <summary><c>SLAVE_NOT_AVAILABLE</c> (11): message stored on SYNC_MASTER but no usable slave.</summary>
    public const int SlaveNotAvailable = 11;
    /// <summary><c>FLUSH_SLAVE_TIMEOUT</c> (12): message stored, slave ack timed out.</summary>
    public const int FlushSlaveTimeout = 12;
    /// <summary><c>MESSAGE_ILLEGAL</c> (13): size/properties too big, bad topic length.</summary>
    public const int MessageIllegal = 13;
    /// <summary><c>SERVICE_NOT_AVAILABLE</c> (14): store not writable / disk full / slave.</summary>
    public const int ServiceNotAvailable = 14;
    /// <summary><c>VERSION_NOT_SUPPORTED</c> (15).</summary>
    public const int VersionNotSupported = 15;
    /// <summary><c>NO_PERMISSION</c> (16): broker or topic not readable/writable.</summary>
    public const int NoPermission = 16;
    /// <summary><c>TOPIC_NOT_EXIST</c> (17).</summary>
    public const int TopicNotExist = 17;
    /// <summary><c>TOPIC_EXIST_ALREADY</c> (18).</summary>
    public const int TopicExistAlready = 18;
    /// <summary><c>PULL_NOT_FOUND</c> (19): no new message (after long-poll timeout).</summary>
    public const int PullNotFound = 19;
    /// <summary><c>PULL_RETRY_IMMEDIATELY</c> (20): nothing matched filter / slave redirect.</summary>
    public const int PullRetryImmediately = 20;
    /// <summary><c>PULL_OFFSET_MOVED</c> (21): offset illegal; use <c>nextBeginOffset</c>.</summary>
    public const int PullOffsetMoved = 21;
    /// <summary><c>QUERY_NOT_FOUND</c> (22): no consumer offset / no message / no KV.</summary>
    public const int QueryNotFound = 22;
    /// <summary><c>SUBSCRIPTION_PARSE_FAILED</c> (23).</summary>
    public const int SubscriptionParseFailed = 23;
    /// <summary><c>SUBSCRIPTION_NOT_EXIST</c> (24): group not heartbeated / topic not subscribed.</summary>
    public const int SubscriptionNotExist = 24;
    /// <summary><c>SUBSCRIPTION_NOT_LATEST</c> (25): pull <c>subVersion</c> newer than heartbeat's.</summary>
    public const int SubscriptionNotLatest = 25;
    /// <summary><c>SUBSCRIPTION_GROUP_NOT_EXIST</c> (26): (only when auto-create of groups is off).</summary>
    public const int SubscriptionGroupNotExist = 26;
    /// <summary><c>FILTER_DATA_NOT_EXIST</c> (27): SQL92.</summary>
    public const int FilterDataNotExist = 27;
    /// <summary><c>FILTER_DATA_NOT_LATEST</c> (28): SQL92.</summary>
    public const int FilterDataNotLatest = 28;
    /// <summary><c>TRANSACTION_SHOULD_COMMIT</c> (200).</summary>
    public const int TransactionShouldCommit = 200;
    /// <summary><c>TRANSACTION_SHOULD_ROLLBACK</c> (201).</summary>
    public const int TransactionShouldRollback = 201;
    /// <summary><c>TRANSACTION_STATE_UNKNOW</c> (202).</summary>
    public const int TransactionStateUnknow = 202;
    /// <summary><c>TRANSACTION_STATE_GROUP_WRONG</c> (203).</summary>
    public const int TransactionStateGroupWrong = 203;
    /// <summary><c>NO_BUYER_ID</c> (204).</summary>
    public const int NoBuyerId = 204;
    /// <summary><c>NOT_IN_CURRENT_UNIT</c> (205).</summary>
    public const int NotInCurrentUnit = 205;
    /// <summary><c>CONSUMER_NOT_ONLINE</c> (206).</summary>
    public const int ConsumerNotOnline = 206;
    /// <summary><c>CONSUME_MSG_TIMEOUT</c> (207).</summary>
    public const int ConsumeMsgTimeout = 207;
    /// <summary><c>NO_MESSAGE</c> (208).</summary>
    public const int NoMessage = 208;
    /// <summary><c>UPDATE_AND_CREATE_ACL_CONFIG_FAILED</c> (209): 4.9 meaning; 5.x reuses 209 as POLLING_FULL.</summary>
    public const int UpdateAndCreateAclConfigFailed = 209;
    /// <summary><c>DELETE_ACL_CONFIG_FAILED</c> (210): 4.9 meaning; 5.x reuses 210 as POLLING_TIMEOUT.</summary>
    public const int DeleteAclConfigFailed = 210;
    /// <summary><c>UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED</c> (211): 4.9 meaning; 5.x reuses 211 as BROKER_NOT_EXIST.</summary>
    public const int UpdateGlobalWhiteAddrsConfigFailed = 211;
    /// <summary><c>FLOW_CONTROL</c> (215): pull consumer backs off 20 ms.</summary>
    public const int FlowControl = 215;

    /// <summary><c>INVALID_PARAMETER</c> (29), 5.x only.</summary>
    public const int InvalidParameter = 29;
    /// <summary><c>POLLING_FULL</c> (209), 5.x meaning of 209.</summary>
    public const int PollingFull = 209;
    /// <summary><c>POLLING_TIMEOUT</c> (210), 5.x meaning of 210.</summary>
    public const int PollingTimeout = 210;
    /// <summary><c>BROKER_NOT_EXIST</c> (211), 5.x meaning of 211.</summary>
    public const int BrokerNotExist = 211;
    /// <summary><c>BROKER_DISPATCH_NOT_COMPLETE</c> (212), 5.x only.</summary>
    public const int BrokerDispatchNotComplete = 212;
    /// <summary><c>BROADCAST_CONSUMPTION</c> (213), 5.x only.</summary>
    public const int BroadcastConsumption = 213;
    /// <summary><c>NOT_LEADER_FOR_QUEUE</c> (501), 5.x only.</summary>
    public const int NotLeaderForQueue = 501;
    /// <summary><c>ILLEGAL_OPERATION</c> (604), 5.x only.</summary>
    public const int IllegalOperation = 604;
    /// <summary><c>GO_AWAY</c> (1500), 5.x only: the peer is shutting down.</summary>
    public const int GoAway = 1500;
}
