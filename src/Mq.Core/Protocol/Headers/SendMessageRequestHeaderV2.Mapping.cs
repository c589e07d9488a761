namespace Mq.Protocol.Headers;

/// <summary>The V1 &lt;-&gt; V2 mapping (RocketMQ <c>SendMessageRequestHeaderV2.createSendMessageRequestHeaderV1/V2</c>).</summary>
internal sealed partial class SendMessageRequestHeaderV2
{
    /// <summary>Copies every field of <paramref name="v1"/> (the single-letter keys carry the same values).</summary>
    public static SendMessageRequestHeaderV2 FromV1(SendMessageRequestHeader v1)
    {
        var v2 = new SendMessageRequestHeaderV2();
        v2.CopyFrom(v1);
        return v2;
    }

    /// <summary>Overwrites this header with <paramref name="v1"/>'s fields.</summary>
    public void CopyFrom(SendMessageRequestHeader v1)
    {
        ProducerGroup = v1.ProducerGroup;
        Topic = v1.Topic;
        DefaultTopic = v1.DefaultTopic;
        DefaultTopicQueueNums = v1.DefaultTopicQueueNums;
        QueueId = v1.QueueId;
        SysFlag = v1.SysFlag;
        BornTimestamp = v1.BornTimestamp;
        Flag = v1.Flag;
        Properties = v1.Properties;
        ReconsumeTimes = v1.ReconsumeTimes;
        UnitMode = v1.UnitMode;
        MaxReconsumeTimes = v1.MaxReconsumeTimes;
        Batch = v1.Batch;
        Bname = v1.Bname;
    }

    /// <summary>The equivalent V1 header.</summary>
    public SendMessageRequestHeader ToV1()
    {
        var v1 = new SendMessageRequestHeader();
        CopyTo(v1);
        return v1;
    }

    /// <summary>Overwrites <paramref name="v1"/> with this header's fields.</summary>
    public void CopyTo(SendMessageRequestHeader v1)
    {
        v1.ProducerGroup = ProducerGroup;
        v1.Topic = Topic;
        v1.DefaultTopic = DefaultTopic;
        v1.DefaultTopicQueueNums = DefaultTopicQueueNums;
        v1.QueueId = QueueId;
        v1.SysFlag = SysFlag;
        v1.BornTimestamp = BornTimestamp;
        v1.Flag = Flag;
        v1.Properties = Properties;
        v1.ReconsumeTimes = ReconsumeTimes;
        v1.UnitMode = UnitMode;
        v1.MaxReconsumeTimes = MaxReconsumeTimes;
        v1.Batch = Batch;
        v1.Bname = Bname;
    }
}
