namespace Mq.Protocol.Headers;

/// <summary>Decoding whichever key set a send request uses (RocketMQ <c>AbstractSendMessageProcessor.parseRequestHeader</c>).</summary>
internal sealed partial class SendMessageRequestHeader
{
    /// <summary>
    /// Decodes a send request: single-letter V2 keys for SEND_MESSAGE_V2, SEND_BATCH_MESSAGE and SEND_REPLY_MESSAGE_V2,
    /// long V1 keys otherwise (Go sends SEND_MESSAGE with V1 keys). Reads straight into this header, no V2 copy.
    /// </summary>
    public void Decode(int requestCode, ExtFields fields)
    {
        if (requestCode is not (RequestCode.SendMessageV2 or RequestCode.SendBatchMessage or RequestCode.SendReplyMessageV2))
        {
            Decode(fields);
            return;
        }
        ProducerGroup = fields.GetRequiredString("a"u8);
        Topic = fields.GetRequiredString("b"u8);
        DefaultTopic = fields.GetRequiredString("c"u8);
        DefaultTopicQueueNums = fields.GetRequiredInt32("d"u8);
        QueueId = fields.GetRequiredInt32("e"u8);
        SysFlag = fields.GetRequiredInt32("f"u8);
        BornTimestamp = fields.GetRequiredInt64("g"u8);
        Flag = fields.GetRequiredInt32("h"u8);
        Properties = fields.GetUtf8Memory("i"u8);
        ReconsumeTimes = fields.GetInt32("j"u8);
        UnitMode = fields.GetBoolean("k"u8);
        MaxReconsumeTimes = fields.GetInt32("l"u8);
        Batch = fields.GetBoolean("m"u8);
        Bname = fields.GetString("n"u8);
    }
}
