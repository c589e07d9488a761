using System.Globalization;
using System.Text;
using Mq.Brokers.Clients;
using Mq.Messages;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.Protocol.Headers;
using Mq.Storage;
using Mq.Transport;

namespace Mq.Brokers.Processors;

// SEND_REPLY_MESSAGE(_V2) (RocketMQ ReplyMessageProcessor, request-reply since 4.6).
internal sealed partial class SendMessageProcessor
{
    private static readonly TimeSpan PushReplyTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A consumer's reply to a producer's request: pushed straight to the requesting producer
    /// (PUSH_REPLY_MESSAGE_TO_CLIENT over its own connection, found by the REPLY_TO_CLIENT property), then stored in the
    /// reply topic like any message. SUCCESS when the push went through, SYSTEM_ERROR with the reason otherwise.
    /// </summary>
    private ValueTask<RemotingCommand?> Reply(RemotingConnection connection, RemotingCommand request, SendContext context, CancellationToken cancellationToken)
    {
        SendMessageRequestHeader header = context.Header;
        if (DecodeAndCheck(connection, request, header, out TopicConfig? topic) is { } refused)
        {
            return new ValueTask<RemotingCommand?>(refused);
        }
        int queueId = header.QueueId < 0 ? Random.Shared.Next(topic!.WriteQueueNums) : header.QueueId;
        return ReplyAsync(connection, request, context, queueId, cancellationToken);
    }

    private async ValueTask<RemotingCommand?> ReplyAsync(RemotingConnection connection, RemotingCommand request, SendContext context, int queueId,
        CancellationToken cancellationToken)
    {
        SendMessageRequestHeader header = context.Header;
        (bool pushed, string? remark) = await PushReplyAsync(connection, request, header, cancellationToken).ConfigureAwait(false);
        RemotingCommand response = Response(request, pushed ? ResponseCode.Success : ResponseCode.SystemError, remark);
        // What the push answers when the reply is not stored (RocketMQ: "set to zero to avoid client decoding exception").
        string msgId = "0";
        long queueOffset = 0;
        MessageToStore message = context.Message;
        message.Topic = header.Topic;
        message.QueueId = queueId;
        message.Flag = header.Flag;
        message.SysFlag = header.SysFlag;
        message.BornTimestamp = header.BornTimestamp;
        message.BornHost = BornHost(connection);
        message.StoreHost = broker.StoreHost;
        message.ReconsumeTimes = header.ReconsumeTimes ?? 0;
        message.PreparedTransactionOffset = 0;
        message.Body = request.Body;
        message.Properties = header.Properties;
        AppendResult stored = await StartPut(message, cancellationToken).ConfigureAwait(false);
        if (stored.IsStored)
        {
            CountStored(header.Topic, stored);
            msgId = OffsetMessageId.Create(broker.StoreHost, stored.WroteOffset);
            queueOffset = stored.QueueOffset;
        }
        response.ExtFields.Add("msgId"u8, msgId);
        response.ExtFields.Add("queueId"u8, queueId);
        response.ExtFields.Add("queueOffset"u8, queueOffset);
        return response;
    }

    // The store's put, started outside the async method that awaits it (it has out parameters); a hook's refusal
    // leaves the reply unstored, as a failed put does in RocketMQ, which only logs it.
    private ValueTask<AppendResult> StartPut(MessageToStore message, CancellationToken cancellationToken)
    {
        ValueTask<AppendResult> put = broker.PutMessageAsync(message, out int hookCode, out _, cancellationToken);
        return hookCode == 0 ? put : new ValueTask<AppendResult>(default(AppendResult));
    }

    private async ValueTask<(bool Pushed, string? Remark)> PushReplyAsync(RemotingConnection connection, RemotingCommand request,
        SendMessageRequestHeader header, CancellationToken cancellationToken)
    {
        string? requester = MessageProperties.TryGetValue(header.Properties.Span, "REPLY_TO_CLIENT"u8, out ReadOnlySpan<byte> id)
            ? Encoding.UTF8.GetString(id)
            : null;
        if (requester is null)
        {
            return (false, "reply message properties[" + MessageConst.ReplyToClient + "] is null");
        }
        ClientChannelInfo? channel = broker.Producers.FindByClientId(requester);
        if (channel is null)
        {
            return (false, "push reply message fail, channel of <" + requester + "> not found.");
        }
        long now = broker.Time.GetUtcNow().ToUnixTimeMilliseconds();
        byte[] properties = MessageProperties.Append(header.Properties.Span, MessageConst.PushReplyTime, now.ToString(CultureInfo.InvariantCulture));
        var push = new ReplyMessageRequestHeader
        {
            ProducerGroup = header.ProducerGroup,
            Topic = header.Topic,
            DefaultTopic = header.DefaultTopic,
            DefaultTopicQueueNums = header.DefaultTopicQueueNums,
            QueueId = header.QueueId,
            SysFlag = header.SysFlag,
            BornTimestamp = header.BornTimestamp,
            Flag = header.Flag,
            Properties = properties,
            ReconsumeTimes = header.ReconsumeTimes,
            UnitMode = header.UnitMode,
            BornHost = connection.RemoteAddress,
            StoreHost = broker.Address,
            StoreTimestamp = now,
        };
        RemotingCommand ask = RemotingCommand.CreateRequest(RequestCode.PushReplyMessageToClient, push);
        ask.SetBody(request.Body.ToArray());
        try
        {
            using RemotingCommand answer = await channel.Connection.InvokeAsync(ask, PushReplyTimeout, cancellationToken).ConfigureAwait(false);
            return answer.Code == ResponseCode.Success ? (true, null) : (false, "push reply message to " + requester + "fail.");
        }
        catch (RemotingException)
        {
            return (false, "push reply message to " + requester + "fail.");
        }
    }
}
