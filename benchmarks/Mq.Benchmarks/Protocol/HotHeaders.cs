using System.Text;
using Mq.Protocol;
using Mq.Protocol.Headers;

namespace Mq.Benchmarks.Protocol;

/// <summary>Realistic values for the hot headers (shared by the benchmark and the allocation tests).</summary>
internal static class HotHeaders
{
    public static readonly byte[] Properties = Encoding.UTF8.GetBytes("TAGS\u0001TagA\u0002KEYS\u0001order-1234\u0002UNIQ_KEY\u00017F0000010A2B18B4AAC2742C5E3A0000\u0002WAIT\u0001true\u0002");

    public static SendMessageRequestHeaderV2 SendV2() => new()
    {
        ProducerGroup = "please_rename_unique_group_name",
        Topic = "TopicTest",
        DefaultTopic = "TBW102",
        DefaultTopicQueueNums = 4,
        QueueId = 3,
        SysFlag = 0,
        BornTimestamp = 1700000000123,
        Flag = 0,
        Properties = Properties,
        ReconsumeTimes = 0,
        UnitMode = false,
        Batch = false,
        Bname = "broker-a",
    };

    public static PullMessageRequestHeader Pull() => new()
    {
        ConsumerGroup = "please_rename_unique_group_name_4",
        Topic = "TopicTest",
        QueueId = 2,
        QueueOffset = 123456,
        MaxMsgNums = 32,
        SysFlag = 3,
        CommitOffset = 123400,
        SuspendTimeoutMillis = 15000,
        Subscription = "TagA || TagB",
        SubVersion = 1700000000456,
        ExpressionType = "TAG",
        Bname = "broker-a",
    };

    public static SendMessageResponseHeader SendResponse() => new()
    {
        MsgId = Encoding.ASCII.GetBytes("0A090F2800002A9F0000229E897CF382"),
        QueueId = 3,
        QueueOffset = 6379881,
        MsgRegion = "DefaultRegion",
        TraceOn = true,
    };

    public static PullMessageResponseHeader PullResponse() => new()
    {
        SuggestWhichBrokerId = 0,
        NextBeginOffset = 123488,
        MinOffset = 0,
        MaxOffset = 987654,
    };
}
