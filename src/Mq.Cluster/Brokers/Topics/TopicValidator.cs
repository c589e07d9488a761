namespace Mq.Brokers.Topics;

/// <summary>
/// Topic name rules, reserved topics and the naming conventions of §5.4 (RocketMQ <c>TopicValidator</c>,
/// <c>MixAll</c>).
/// </summary>
internal static class TopicValidator
{
    /// <summary>Template topic for auto-creation (<c>TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC</c>).</summary>
    public const string AutoCreateTopicKey = "TBW102";
    public const string ScheduleTopic = "SCHEDULE_TOPIC_XXXX";
    public const string BenchmarkTopic = "BenchmarkTest";
    public const string SelfTestTopic = "SELF_TEST_TOPIC";
    public const string OffsetMovedEvent = "OFFSET_MOVED_EVENT";
    public const string TransHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
    public const string TransOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
    public const string TransCheckMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC";
    public const string TraceTopic = "RMQ_SYS_TRACE_TOPIC";
    /// <summary>Where timer messages wait for their delivery time (RocketMQ 5 <c>TimerMessageStore.TIMER_TOPIC</c>).</summary>
    public const string TimerTopic = "rmq_sys_wheel_timer";
    public const string ReplyTopicPostfix = "REPLY_TOPIC";
    public const string RetryGroupTopicPrefix = "%RETRY%";
    public const string DlqGroupTopicPrefix = "%DLQ%";

    /// <summary>Longest topic name (a record stores the length in one signed byte).</summary>
    public const int MaxTopicLength = 127;

    /// <summary>Topics a producer may not send to (<c>TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET</c>).</summary>
    public static bool IsNotAllowedSendTopic(string topic) => topic is ScheduleTopic or TransHalfTopic or TransOpHalfTopic
        or TransCheckMaxTimeTopic or SelfTestTopic or OffsetMovedEvent or TimerTopic;

    /// <summary>Topics that admin commands may not create, update or delete (<c>TopicValidator.isSystemTopic</c> subset).</summary>
    public static bool IsSystemTopic(string topic) => Array.IndexOf(SystemTopics, topic) >= 0;

    /// <summary>RocketMQ 4.9's <c>SYSTEM_TOPIC_SET</c> as it starts (a broker adds its cluster and broker names, and its trace topic).</summary>
    public static readonly string[] SystemTopics = [AutoCreateTopicKey, ScheduleTopic, BenchmarkTopic, TransHalfTopic, TraceTopic, TransOpHalfTopic,
        TransCheckMaxTimeTopic, SelfTestTopic, OffsetMovedEvent, TimerTopic];

    /// <summary>Whether every character is one of <c>%|a-zA-Z0-9_-</c> and the length is 1-127.</summary>
    public static bool IsValidName(string? topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.Length > MaxTopicLength)
        {
            return false;
        }
        foreach (char c in topic)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '%' or '|' or '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Why <paramref name="topic"/> cannot be used, or null (RocketMQ's wording).</summary>
    public static string? Validate(string? topic)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            return "The specified topic is blank.";
        }
        if (topic.Length > MaxTopicLength)
        {
            return "The specified topic is longer than topic max length 127.";
        }
        if (!IsValidName(topic))
        {
            return $"The specified topic[{topic}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
        }
        return null;
    }

    public static string RetryTopic(string group) => RetryGroupTopicPrefix + group;

    public static string DlqTopic(string group) => DlqGroupTopicPrefix + group;

    public static bool IsRetryTopic(string topic) => topic.StartsWith(RetryGroupTopicPrefix, StringComparison.Ordinal);

    public static bool IsDlqTopic(string topic) => topic.StartsWith(DlqGroupTopicPrefix, StringComparison.Ordinal);
}
