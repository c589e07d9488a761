using System.Buffers;
using System.Text;
using Mq.Protocol;
using Mq.TestKit;
using Mq.TestKit.Protocol;

namespace Mq.Tests.Fuzz;

/// <summary>
/// Valid requests the fuzzer mutates: the shapes BrokerTestClient and our clients send (same codes and
/// field names), and every client request in the 4.9.7 capture (../shared/testdata/captures).
/// </summary>
internal static class FuzzSeeds
{
    public static List<RemotingCommand> Load(bool includeCapture = true)
    {
        var seeds = new List<RemotingCommand>
        {
            Request(RequestCode.SendMessageV2, "a", "PG", "b", "FuzzT0", "c", "TBW102", "d", "4", "e", "0", "f", "0", "g", "1700000000000", "h", "0",
                "i", "TAGS\u0001TagA\u0002KEYS\u0001k1\u0002UNIQ_KEY\u0001ABC\u0002", "j", "0", "k", "false", "l", "16", "m", "false")
                .WithBody("hello fuzz"u8),
            Request(RequestCode.SendMessage, "producerGroup", "PG", "topic", "FuzzT1", "defaultTopic", "TBW102", "defaultTopicQueueNums", "4",
                "queueId", "1", "sysFlag", "0", "bornTimestamp", "1700000000000", "flag", "0", "properties", "TAGS\u0001TagB\u0002", "reconsumeTimes", "0",
                "unitMode", "false").WithBody("v1 body"u8),
            Request(RequestCode.SendBatchMessage, "a", "PG", "b", "FuzzT2", "c", "TBW102", "d", "4", "e", "0", "f", "0", "g", "1700000000000", "h", "0",
                "i", "", "j", "0", "k", "false", "m", "true").WithBody(BatchBody()),
            Request(RequestCode.PullMessage, "consumerGroup", "FuzzG0", "topic", "FuzzT0", "queueId", "0", "queueOffset", "0", "maxMsgNums", "32",
                "sysFlag", "4", "commitOffset", "0", "suspendTimeoutMillis", "0", "subscription", "*", "subVersion", "0", "expressionType", "TAG"),
            Request(RequestCode.QueryConsumerOffset, "consumerGroup", "FuzzG0", "topic", "FuzzT0", "queueId", "0"),
            Request(RequestCode.UpdateConsumerOffset, "consumerGroup", "FuzzG0", "topic", "FuzzT0", "queueId", "0", "commitOffset", "5"),
            Request(RequestCode.GetMaxOffset, "topic", "FuzzT0", "queueId", "0"),
            Request(RequestCode.GetMinOffset, "topic", "FuzzT0", "queueId", "0"),
            Request(RequestCode.SearchOffsetByTimestamp, "topic", "FuzzT0", "queueId", "0", "timestamp", "1700000000000"),
            Request(RequestCode.GetEarliestMsgStoretime, "topic", "FuzzT0", "queueId", "0"),
            Request(RequestCode.GetConsumerListByGroup, "consumerGroup", "FuzzG0"),
            Request(RequestCode.QueryMessage, "topic", "FuzzT0", "key", "k1", "maxNum", "32", "beginTimestamp", "0", "endTimestamp", "9999999999999"),
            Request(RequestCode.ViewMessageById, "offset", "0"),
            Request(RequestCode.ConsumerSendMsgBack, "offset", "0", "group", "FuzzG0", "delayLevel", "0", "originMsgId", "0A090F2800002A9F0000229E897CF382",
                "originTopic", "FuzzT0", "unitMode", "false", "maxReconsumeTimes", "16"),
            Request(RequestCode.EndTransaction, "producerGroup", "PG", "tranStateTableOffset", "0", "commitLogOffset", "0", "commitOrRollback", "8",
                "fromTransactionCheck", "false", "msgId", "0A090F2800002A9F0000229E897CF382", "transactionId", "tx"),
            Request(RequestCode.HeartBeat).WithBody(Encoding.UTF8.GetBytes(
                "{\"clientID\":\"127.0.0.1@fuzz\",\"consumerDataSet\":[{\"consumeFromWhere\":\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"FuzzG0\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"TAG\",\"subString\":\"*\",\"subVersion\":1,\"tagsSet\":[],\"topic\":\"FuzzT0\"}],\"unitMode\":false}],\"producerDataSet\":[{\"groupName\":\"PG\"}]}")),
            Request(RequestCode.UnregisterClient, "clientID", "127.0.0.1@fuzz", "producerGroup", "PG", "consumerGroup", "FuzzG0"),
            Request(RequestCode.LockBatchMq).WithBody(Encoding.UTF8.GetBytes(
                "{\"clientId\":\"127.0.0.1@fuzz\",\"consumerGroup\":\"FuzzG0\",\"mqSet\":[{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"FuzzT0\"}]}")),
            Request(RequestCode.UnlockBatchMq).WithBody(Encoding.UTF8.GetBytes(
                "{\"clientId\":\"127.0.0.1@fuzz\",\"consumerGroup\":\"FuzzG0\",\"mqSet\":[{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"FuzzT0\"}]}")),
            Request(RequestCode.UpdateAndCreateTopic, "topic", "FuzzT3", "defaultTopic", "TBW102", "readQueueNums", "4", "writeQueueNums", "4", "perm", "6",
                "topicFilterType", "SINGLE_TAG", "topicSysFlag", "0", "order", "false"),
            Request(RequestCode.UpdateAndCreateSubscriptionGroup).WithBody(Encoding.UTF8.GetBytes(
                "{\"groupName\":\"FuzzG1\",\"consumeEnable\":true,\"consumeBroadcastEnable\":true,\"retryQueueNums\":1,\"retryMaxTimes\":16,\"brokerId\":0,\"whichBrokerWhenConsumeSlowly\":1,\"notifyConsumerIdsChangedEnable\":true}")),
            Request(RequestCode.GetAllTopicConfig),
            Request(RequestCode.GetBrokerRuntimeInfo),
            Request(RequestCode.GetTopicStatsInfo, "topic", "FuzzT0"),
            Request(RequestCode.GetConsumeStats, "consumerGroup", "FuzzG0", "topic", "FuzzT0"),
            Request(RequestCode.GetRouteInfoByTopic, "topic", "FuzzT0"),
            Request(RequestCode.GetBrokerClusterInfo),
            Request(RequestCode.GetAllTopicListFromNameserver),
            Request(RequestCode.PutKVConfig, "namespace", "FUZZ", "key", "k", "value", "v"),
            Request(RequestCode.GetKVConfig, "namespace", "FUZZ", "key", "k"),
            Request(RequestCode.GetTopicsByCluster, "cluster", "DefaultCluster"),
            Request(RequestCode.CheckClientConfig).WithBody(Encoding.UTF8.GetBytes("{\"group\":\"FuzzG0\",\"subscriptionData\":{\"topic\":\"FuzzT0\",\"subString\":\"*\",\"expressionType\":\"TAG\"}}")),
            Request(RequestCode.QueryDataVersion, "brokerName", "broker-a", "brokerAddr", "127.0.0.1:1", "clusterName", "DefaultCluster", "brokerId", "0"),
        };
        if (includeCapture)
        {
            foreach (TcpStream stream in PcapReader.ReadTcpStreams(TestData.Read("captures/rmq_4.9.7.pcap")))
            {
                var sequence = new ReadOnlySequence<byte>(stream.Data);
                while (FrameCodec.TryParse(ref sequence, out RemotingCommand? command))
                {
                    if (command!.IsResponse || FrameFuzzer.Destructive.Contains(command.Code))
                    {
                        command.Dispose();
                        continue;
                    }
                    seeds.Add(command);
                }
            }
        }
        return seeds;
    }

    private static RemotingCommand Request(int code, params string[] pairs)
    {
        RemotingCommand request = RemotingCommand.CreateRequest(code);
        for (int i = 0; i < pairs.Length; i += 2)
        {
            request.ExtFields.Add(pairs[i], pairs[i + 1]);
        }
        return request;
    }

    private static RemotingCommand WithBody(this RemotingCommand command, ReadOnlySpan<byte> body)
    {
        command.SetBody(body.ToArray());
        return command;
    }

    /// <summary>Two messages in the batch body format (MessageDecoder.encodeMessages): total, magic, crc, flag, body, properties.</summary>
    private static byte[] BatchBody()
    {
        var writer = new ArrayBufferWriter<byte>();
        for (int i = 0; i < 2; i++)
        {
            byte[] body = Encoding.UTF8.GetBytes("batch " + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            byte[] props = Encoding.UTF8.GetBytes("KEYS\u0001b" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\u0002");
            int total = 4 + 4 + 4 + 4 + 4 + body.Length + 2 + props.Length;
            Span<byte> span = writer.GetSpan(total);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span, total);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[4..], 0);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[8..], 0);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[12..], 0);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[16..], body.Length);
            body.CopyTo(span[20..]);
            System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(span[(20 + body.Length)..], (short)props.Length);
            props.CopyTo(span[(22 + body.Length)..]);
            writer.Advance(total);
        }
        return writer.WrittenSpan.ToArray();
    }
}
