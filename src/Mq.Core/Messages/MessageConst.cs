namespace Mq.Messages;

/// <summary>Well-known message property keys (RocketMQ <c>MessageConst</c>).</summary>
public static class MessageConst
{
    /// <summary>Business keys, space separated; each indexed as <c>topic#key</c>.</summary>
    public const string Keys = "KEYS";
    /// <summary>The tag; its Java hash is the consume-queue tags code.</summary>
    public const string Tags = "TAGS";
    /// <summary>Wait-store-msg-OK flag.</summary>
    public const string WaitStoreMsgOk = "WAIT";
    /// <summary>Delay level.</summary>
    public const string DelayTimeLevel = "DELAY";
    /// <summary>Original topic of a retry message.</summary>
    public const string RetryTopic = "RETRY_TOPIC";
    /// <summary>Real topic while parked.</summary>
    public const string RealTopic = "REAL_TOPIC";
    /// <summary>Real queue id while parked.</summary>
    public const string RealQueueId = "REAL_QID";
    /// <summary>Transactional half message marker.</summary>
    public const string TransactionPrepared = "TRAN_MSG";
    /// <summary>Producer group.</summary>
    public const string ProducerGroup = "PGROUP";
    /// <summary>Client-side min offset copy.</summary>
    public const string MinOffset = "MIN_OFFSET";
    /// <summary>Client-side max offset copy.</summary>
    public const string MaxOffset = "MAX_OFFSET";
    /// <summary>Buyer id.</summary>
    public const string BuyerId = "BUYER_ID";
    /// <summary>Message id of the first delivery of a retried message.</summary>
    public const string OriginMessageId = "ORIGIN_MESSAGE_ID";
    /// <summary>Legacy transfer flag.</summary>
    public const string TransferFlag = "TRANSFER_FLAG";
    /// <summary>Legacy correction flag.</summary>
    public const string CorrectionFlag = "CORRECTION_FLAG";
    /// <summary>Legacy MQ2 flag.</summary>
    public const string Mq2Flag = "MQ2_FLAG";
    /// <summary>Absolute delivery time of a timer message, epoch ms (RocketMQ 5 <c>TIMER_DELIVER_MS</c>).</summary>
    public const string TimerDeliverMs = "TIMER_DELIVER_MS";
    /// <summary>Delivery delay of a timer message in seconds (RocketMQ 5 <c>TIMER_DELAY_SEC</c>).</summary>
    public const string TimerDelaySec = "TIMER_DELAY_SEC";
    /// <summary>Delivery delay of a timer message in milliseconds (RocketMQ 5 <c>TIMER_DELAY_MS</c>).</summary>
    public const string TimerDelayMs = "TIMER_DELAY_MS";
    /// <summary>The delivery time the broker settled on, at its timer precision (RocketMQ 5 <c>TIMER_OUT_MS</c>).</summary>
    public const string TimerOutMs = "TIMER_OUT_MS";
    /// <summary>When the broker took a timer message out of its timer queue (RocketMQ 5 <c>TIMER_ENQUEUE_MS</c>).</summary>
    public const string TimerEnqueueMs = "TIMER_ENQUEUE_MS";
    /// <summary>When the broker delivered a timer message to its topic (RocketMQ 5 <c>TIMER_DEQUEUE_MS</c>).</summary>
    public const string TimerDequeueMs = "TIMER_DEQUEUE_MS";
    /// <summary>Unique key of a timer message to cancel (RocketMQ 5 <c>TIMER_DEL_UNIQKEY</c>).</summary>
    public const string TimerDeleteUniqueKey = "TIMER_DEL_UNIQKEY";
    /// <summary>Retry count set by a consumer.</summary>
    public const string ReconsumeTime = "RECONSUME_TIME";
    /// <summary>Region id.</summary>
    public const string MessageRegion = "MSG_REGION";
    /// <summary>Trace switch.</summary>
    public const string TraceSwitch = "TRACE_ON";
    /// <summary>Client-generated unique id, indexed as <c>topic#UNIQ_KEY</c>.</summary>
    public const string UniqueClientMessageIdKeyIndex = "UNIQ_KEY";
    /// <summary>Max retries.</summary>
    public const string MaxReconsumeTimes = "MAX_RECONSUME_TIMES";
    /// <summary>Consume start time (client side).</summary>
    public const string ConsumeStartTimestamp = "CONSUME_START_TIME";
    /// <summary>Transaction prepared queue offset.</summary>
    public const string TransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";
    /// <summary>Transaction check count.</summary>
    public const string TransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
    /// <summary>Transaction check immunity time.</summary>
    public const string CheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";
    /// <summary>Namespace instance id.</summary>
    public const string InstanceId = "INSTANCE_ID";
    /// <summary>Request/reply correlation id.</summary>
    public const string CorrelationId = "CORRELATION_ID";
    /// <summary>Reply target client.</summary>
    public const string ReplyToClient = "REPLY_TO_CLIENT";
    /// <summary>Request/reply TTL.</summary>
    public const string MessageTtl = "TTL";
    /// <summary>Request/reply arrive time.</summary>
    public const string ArriveTime = "ARRIVE_TIME";
    /// <summary>Request/reply push time.</summary>
    public const string PushReplyTime = "PUSH_REPLY_TIME";
    /// <summary>Message type (<c>reply</c>).</summary>
    public const string MessageType = "MSG_TYPE";
    /// <summary>Cluster name stamped by the broker.</summary>
    public const string Cluster = "CLUSTER";
}
