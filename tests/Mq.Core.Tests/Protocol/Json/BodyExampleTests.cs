using System.Text;
using Mq.Protocol.Body;
using Mq.Protocol.Json;

namespace Mq.Tests.Protocol.Json;

/// <summary>Every body example of remoting-protocol.md §2.3, and the client dialects of §2.2.</summary>
public sealed class BodyExampleTests
{
    private static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    private const string RouteJava =
        "{\"brokerDatas\":[{\"brokerAddrs\":{0:\"10.0.0.1:10911\",1:\"10.0.0.2:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}],\"filterServerTable\":{},\"queueDatas\":[{\"brokerName\":\"broker-a\",\"perm\":6,\"readQueueNums\":4,\"topicSysFlag\":0,\"writeQueueNums\":4}]}";

    [Test]
    public void TopicRouteDataJavaDefaultStyleParsesAndWritesBackByteIdentical()
    {
        TopicRouteData route = TopicRouteData.Decode(U(RouteJava));
        Assert.That(route.BrokerDatas, Has.Count.EqualTo(1));
        BrokerData b = route.BrokerDatas[0];
        Assert.Multiple(() =>
        {
            Assert.That(b.BrokerName, Is.EqualTo("broker-a"));
            Assert.That(b.Cluster, Is.EqualTo("DefaultCluster"));
            Assert.That(b.BrokerAddrs[0], Is.EqualTo("10.0.0.1:10911"));
            Assert.That(b.BrokerAddrs[1], Is.EqualTo("10.0.0.2:10911"));
            Assert.That(route.QueueDatas.Single().Perm, Is.EqualTo(6));
            Assert.That(route.QueueDatas.Single().WriteQueueNums, Is.EqualTo(4));
            Assert.That(route.FilterServerTable, Is.Empty);
            Assert.That(route.OrderTopicConf, Is.Null);
        });
        Assert.That(S(route.Encode(JsonKeyStyle.Unquoted)), Is.EqualTo(RouteJava));
        Assert.That(S(route.Encode(JsonKeyStyle.Quoted)),
            Is.EqualTo(RouteJava.Replace("{0:", "{\"0\":").Replace(",1:", ",\"1\":")));
    }

    [Test]
    public void TopicRouteDataReadsPre49TopicSynFlagAnd5xExtras()
    {
        string json = "{\"brokerDatas\":[{\"brokerAddrs\":{\"0\":\"h:1\"},\"brokerName\":\"b\",\"cluster\":\"c\",\"enableActingMaster\":false,\"zoneName\":\"z\"}],"
            + "\"filterServerTable\":{\"h:1\":[\"f:2\"]},\"orderTopicConf\":\"b:4\",\"queueDatas\":[{\"brokerName\":\"b\",\"perm\":6,\"readQueueNums\":2,\"topicSynFlag\":3,\"writeQueueNums\":2}],"
            + "\"topicQueueMappingByBroker\":{\"b\":{\"x\":1}}}";
        TopicRouteData route = TopicRouteData.Decode(U(json));
        Assert.Multiple(() =>
        {
            Assert.That(route.QueueDatas[0].TopicSysFlag, Is.EqualTo(3));
            Assert.That(route.OrderTopicConf, Is.EqualTo("b:4"));
            Assert.That(route.FilterServerTable["h:1"], Is.EqualTo(new[] { "f:2" }));
        });
    }

    [Test]
    public void ClusterInfoParsesAndRoundTrips()
    {
        const string json = "{\"brokerAddrTable\":{\"broker-a\":{\"brokerAddrs\":{0:\"10.0.0.1:10911\",1:\"10.0.0.2:10911\"},\"brokerName\":\"broker-a\",\"cluster\":\"DefaultCluster\"}},\"clusterAddrTable\":{\"DefaultCluster\":[\"broker-a\"]}}";
        ClusterInfo info = ClusterInfo.Decode(U(json));
        Assert.That(info.BrokerAddrTable["broker-a"].BrokerAddrs[1], Is.EqualTo("10.0.0.2:10911"));
        Assert.That(info.ClusterAddrTable["DefaultCluster"], Is.EquivalentTo(new[] { "broker-a" }));
        Assert.That(S(info.Encode(JsonKeyStyle.Unquoted)), Is.EqualTo(json));
    }

    private const string HeartbeatJava =
        "{\"clientID\":\"10.0.0.5@4242#8675309123456\",\"consumerDataSet\":[{\"consumeFromWhere\":\"CONSUME_FROM_LAST_OFFSET\",\"consumeType\":\"CONSUME_PASSIVELY\",\"groupName\":\"cg1\",\"messageModel\":\"CLUSTERING\",\"subscriptionDataSet\":[{\"classFilterMode\":false,\"codeSet\":[2598919,2598920],\"expressionType\":\"TAG\",\"subString\":\"TagA || TagB\",\"subVersion\":1700000000123,\"tagsSet\":[\"TagA\",\"TagB\"],\"topic\":\"TopicTest\"},{\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"TAG\",\"subString\":\"*\",\"subVersion\":1700000000124,\"tagsSet\":[],\"topic\":\"%RETRY%cg1\"}],\"unitMode\":false}],\"producerDataSet\":[{\"groupName\":\"CLIENT_INNER_PRODUCER\"}]}";

    [Test]
    public void HeartbeatJavaParsesAndWritesBackByteIdentical()
    {
        HeartbeatData hb = HeartbeatData.Decode(U(HeartbeatJava));
        ConsumerData c = hb.ConsumerDataSet.Single();
        SubscriptionData s = c.SubscriptionDataSet[0];
        Assert.Multiple(() =>
        {
            Assert.That(hb.ClientId, Is.EqualTo("10.0.0.5@4242#8675309123456"));
            Assert.That(c.ConsumeType, Is.EqualTo(ConsumeType.ConsumePassively));
            Assert.That(c.MessageModel, Is.EqualTo(MessageModel.Clustering));
            Assert.That(c.ConsumeFromWhere, Is.EqualTo(ConsumeFromWhere.ConsumeFromLastOffset));
            Assert.That(s.CodeSet, Is.EquivalentTo(new[] { 2598919, 2598920 }));
            Assert.That(s.TagsSet, Is.EquivalentTo(new[] { "TagA", "TagB" }));
            Assert.That(s.SubVersion, Is.EqualTo(1700000000123L));
            Assert.That(c.SubscriptionDataSet[1].Topic, Is.EqualTo("%RETRY%cg1"));
            Assert.That(hb.ProducerDataSet.Single().GroupName, Is.EqualTo("CLIENT_INNER_PRODUCER"));
        });
        Assert.That(S(hb.Encode()), Is.EqualTo(HeartbeatJava));
    }

    [Test]
    public void HeartbeatGoDialectStringCodeSetAndNanosecondSubVersion()
    {
        const string json = "{\"clientID\":\"10.0.0.7@99\",\"producerDataSet\":[],\"consumerDataSet\":[{\"groupName\":\"cg\",\"consumeType\":\"CONSUME_PASSIVELY\",\"messageModel\":\"CLUSTERING\",\"consumeFromWhere\":\"CONSUME_FROM_FIRST_OFFSET\",\"subscriptionDataSet\":[{\"classFilterMode\":false,\"topic\":\"T\",\"subString\":\"TagA\",\"tagsSet\":[\"TagA\"],\"codeSet\":[\"2598919\"],\"subVersion\":1700000000123456789,\"expressionType\":\"TAG\"}],\"unitMode\":false}]}";
        HeartbeatData hb = HeartbeatData.Decode(U(json));
        SubscriptionData s = hb.ConsumerDataSet[0].SubscriptionDataSet[0];
        Assert.That(s.CodeSet, Is.EquivalentTo(new[] { 2598919 }));
        Assert.That(s.SubVersion, Is.EqualTo(1700000000123456789L), "beyond 2^53: must not go through double");
        Assert.That(hb.ConsumerDataSet[0].ConsumeFromWhere, Is.EqualTo(ConsumeFromWhere.ConsumeFromFirstOffset));
        Assert.That(S(hb.Encode()), Does.Contain("\"subVersion\":1700000000123456789"));
    }

    [Test]
    public void HeartbeatAliOnsDialectInsertionOrderAndNoExpressionType()
    {
        const string json = "{\"clientID\":\"10.0.0.8@12345\",\"producerDataSet\":[],\"consumerDataSet\":[{\"groupName\":\"GID_X\",\"consumeType\":\"CONSUME_PASSIVELY\",\"messageModel\":\"CLUSTERING\",\"consumeFromWhere\":\"CONSUME_FROM_LAST_OFFSET\",\"unitMode\":false,\"subscriptionDataSet\":[{\"topic\":\"TopicTest\",\"subString\":\"*\",\"classFilterMode\":false,\"tagsSet\":[],\"codeSet\":[],\"subVersion\":1700000000999}]}]}";
        HeartbeatData hb = HeartbeatData.Decode(U(json));
        SubscriptionData s = hb.ConsumerDataSet[0].SubscriptionDataSet[0];
        Assert.That(s.ExpressionType, Is.EqualTo("TAG"));
        Assert.That(s.SubString, Is.EqualTo("*"));
        Assert.That(hb.ProducerDataSet, Is.Empty);
    }

    [Test]
    public void HeartbeatNewLifeDialectPascalCaseAndRawControlCharacters()
    {
        // As captured in rmq_4.9.7.pcap (PascalCase names), with a raw control character inside a string.
        byte[] json = U("{\"ClientID\":\"10.7.69.205@63284\u0001x\",\"ConsumerDataSet\":[],\"ProducerDataSet\":[{\"GroupName\":\"DEFAULT_PRODUCER\"},{\"GroupName\":\"CLIENT_INNER_PRODUCER\"}]}");
        HeartbeatData hb = HeartbeatData.Decode(json);
        Assert.That(hb.ClientId, Is.EqualTo("10.7.69.205@63284\u0001x"));
        Assert.That(hb.ProducerDataSet.Select(p => p.GroupName), Is.EqualTo(new[] { "DEFAULT_PRODUCER", "CLIENT_INNER_PRODUCER" }));
        Assert.That(S(hb.Encode()), Does.Contain("63284\\u0001x"));
    }

    [Test]
    public void ProducerOnlyHeartbeatRoundTrips()
    {
        const string json = "{\"clientID\":\"10.0.0.5@4242#86753\",\"consumerDataSet\":[],\"producerDataSet\":[{\"groupName\":\"pg1\"},{\"groupName\":\"CLIENT_INNER_PRODUCER\"}]}";
        Assert.That(S(HeartbeatData.Decode(U(json)).Encode()), Is.EqualTo(json));
    }

    private const string TopicConfigsJava =
        "{\"dataVersion\":{\"counter\":12,\"timestamp\":1700000000000},\"topicConfigTable\":{\"TBW102\":{\"order\":false,\"perm\":7,\"readQueueNums\":8,\"topicFilterType\":\"SINGLE_TAG\",\"topicName\":\"TBW102\",\"topicSysFlag\":0,\"writeQueueNums\":8},\"TopicTest\":{\"order\":false,\"perm\":6,\"readQueueNums\":4,\"topicFilterType\":\"SINGLE_TAG\",\"topicName\":\"TopicTest\",\"topicSysFlag\":0,\"writeQueueNums\":4}}}";

    [Test]
    public void TopicConfigSerializeWrapperRoundTripsByteIdentical()
    {
        TopicConfigSerializeWrapper w = TopicConfigSerializeWrapper.Decode(U(TopicConfigsJava));
        Assert.That(w.DataVersion, Is.EqualTo(new DataVersion(1700000000000, 12)));
        Assert.That(w.TopicConfigTable["TBW102"].Perm, Is.EqualTo(7));
        Assert.That(w.TopicConfigTable["TopicTest"].TopicFilterType, Is.EqualTo(TopicFilterType.SingleTag));
        Assert.That(S(w.Encode()), Is.EqualTo(TopicConfigsJava));
    }

    [Test]
    public void RegisterBrokerBodyJsonRoundTrips()
    {
        string json = "{\"filterServerList\":[],\"topicConfigSerializeWrapper\":" + TopicConfigsJava + "}";
        RegisterBrokerBody body = RegisterBrokerBody.Decode(U(json), compressed: false);
        Assert.That(body.TopicConfigSerializeWrapper.TopicConfigTable, Has.Count.EqualTo(2));
        Assert.That(S(body.Encode()), Is.EqualTo(json));
    }

    [Test]
    public void DataVersionEqualityIsTimestampAndCounter()
    {
        DataVersion v = DataVersion.Decode(U("{\"counter\":12,\"timestamp\":1700000000000,\"stateVersion\":0}"));
        Assert.That(v, Is.EqualTo(new DataVersion(1700000000000, 12)));
        Assert.That(v.Next(1700000000005), Is.EqualTo(new DataVersion(1700000000005, 13)));
        Assert.That(S(v.Encode()), Is.EqualTo("{\"counter\":12,\"timestamp\":1700000000000}"));
    }

    [Test]
    public void ConsumerOffsetsReadUnquotedQueueIdsAndWriteEitherStyle()
    {
        const string json = "{\"offsetTable\":{\"TopicTest@cg1\":{0:120,1:118,2:121,3:119},\"%RETRY%cg1@cg1\":{0:3}}}";
        ConsumerOffsetSerializeWrapper w = ConsumerOffsetSerializeWrapper.Decode(U(json));
        Assert.That(w.OffsetTable["TopicTest@cg1"][2], Is.EqualTo(121));
        Assert.That(w.OffsetTable["%RETRY%cg1@cg1"][0], Is.EqualTo(3));
        Assert.That(S(w.Encode(JsonKeyStyle.Unquoted)), Is.EqualTo(json));
        Assert.That(ConsumerOffsetSerializeWrapper.Decode(w.Encode()).OffsetTable["TopicTest@cg1"][3], Is.EqualTo(119));
    }

    [Test]
    public void ConsumerListRoundTrips()
    {
        const string json = "{\"consumerIdList\":[\"10.0.0.5@4242#8675309123456\",\"10.0.0.6@777#1234\"]}";
        var body = GetConsumerListByGroupResponseBody.Decode(U(json));
        Assert.That(body.ConsumerIdList, Has.Count.EqualTo(2));
        Assert.That(S(body.Encode()), Is.EqualTo(json));
    }

    [Test]
    public void LockBodiesRoundTrip()
    {
        const string request = "{\"clientId\":\"10.0.0.5@4242#86753\",\"consumerGroup\":\"cg1\",\"mqSet\":[{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"TopicTest\"}]}";
        const string response = "{\"lockOKMQSet\":[{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"TopicTest\"}]}";
        LockBatchRequestBody lockBody = LockBatchRequestBody.Decode(U(request));
        Assert.That(lockBody.MqSet.Single(), Is.EqualTo(new MessageQueue("TopicTest", "broker-a", 0)));
        Assert.That(S(lockBody.Encode()), Is.EqualTo(request));
        Assert.That(S(UnlockBatchRequestBody.Decode(U(request)).Encode()), Is.EqualTo(request));
        LockBatchResponseBody ok = LockBatchResponseBody.Decode(U(response));
        Assert.That(ok.LockOkMqSet.Single().QueueId, Is.EqualTo(0));
        Assert.That(S(ok.Encode()), Is.EqualTo(response));
        Assert.That(LockBatchRequestBody.Decode(U("{\"clientId\":\"c\",\"consumerGroup\":\"g\",\"mqSet\":[],\"onlyThisBroker\":false}")).MqSet, Is.Empty);
    }

    [Test]
    public void SmallBodiesRoundTrip()
    {
        TopicList topics = TopicList.Decode(U("{\"topicList\":[\"TopicTest\",\"TBW102\",\"%RETRY%cg1\"]}"));
        Assert.That(topics.Topics, Is.EquivalentTo(new[] { "TopicTest", "TBW102", "%RETRY%cg1" }));
        Assert.That(topics.BrokerAddr, Is.Null);
        Assert.That(S(topics.Encode()), Is.EqualTo("{\"topicList\":[\"TopicTest\",\"TBW102\",\"%RETRY%cg1\"]}"));

        KVTable kv = KVTable.Decode(U("{\"table\":{\"k\":\"v\"}}"));
        Assert.That(kv.Table["k"], Is.EqualTo("v"));
        Assert.That(S(kv.Encode()), Is.EqualTo("{\"table\":{\"k\":\"v\"}}"));

        DelayOffsetSerializeWrapper delay = DelayOffsetSerializeWrapper.Decode(U("{\"offsetTable\":{1:0,2:5,3:17}}"));
        Assert.That(delay.OffsetTable[3], Is.EqualTo(17));
        Assert.That(S(delay.Encode(JsonKeyStyle.Unquoted)), Is.EqualTo("{\"offsetTable\":{1:0,2:5,3:17}}"));

        GroupList groups = GroupList.Decode(U("{\"groupList\":[\"cg1\"]}"));
        Assert.That(S(groups.Encode()), Is.EqualTo("{\"groupList\":[\"cg1\"]}"));
    }

    [Test]
    public void CheckClientRequestBodyCarriesSubscriptionData()
    {
        const string json = "{\"clientId\":\"c1\",\"group\":\"cg1\",\"subscriptionData\":{\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"SQL92\",\"subString\":\"a > 5\",\"subVersion\":1,\"tagsSet\":[],\"topic\":\"T\"}}";
        CheckClientRequestBody body = CheckClientRequestBody.Decode(U(json));
        Assert.That(body.SubscriptionData!.ExpressionType, Is.EqualTo("SQL92"));
        Assert.That(S(body.Encode()), Is.EqualTo(json));
    }

    [Test]
    public void ResetOffsetBodyReadsAndWritesObjectKeys()
    {
        const string json = "{\"offsetTable\":{{\"brokerName\":\"broker-a\",\"queueId\":0,\"topic\":\"TopicTest\"}:100,{\"brokerName\":\"broker-a\",\"queueId\":1,\"topic\":\"TopicTest\"}:7}}";
        ResetOffsetBody body = ResetOffsetBody.Decode(U(json));
        Assert.That(body.OffsetTable[new MessageQueue("TopicTest", "broker-a", 0)], Is.EqualTo(100));
        Assert.That(body.OffsetTable[new MessageQueue("TopicTest", "broker-a", 1)], Is.EqualTo(7));
        Assert.That(S(body.Encode()), Is.EqualTo(json));

        // The same key carried as JSON text in a quoted string is accepted too.
        ResetOffsetBody quoted = ResetOffsetBody.Decode(U("{\"offsetTable\":{\"{\\\"brokerName\\\":\\\"b\\\",\\\"queueId\\\":3,\\\"topic\\\":\\\"T\\\"}\":9}}"));
        Assert.That(quoted.OffsetTable[new MessageQueue("T", "b", 3)], Is.EqualTo(9));
    }

    [Test]
    public void AdminBodiesRoundTrip()
    {
        const string stats = "{\"consumeTps\":12.5,\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":0,\"topic\":\"T\"}:{\"brokerOffset\":10,\"consumerOffset\":8,\"lastTimestamp\":1700000000000}}}";
        ConsumeStats cs = ConsumeStats.Decode(U(stats));
        Assert.That(cs.OffsetTable[new MessageQueue("T", "b", 0)].ConsumerOffset, Is.EqualTo(8));
        Assert.That(S(cs.Encode()), Is.EqualTo(stats));

        const string topicStats = "{\"offsetTable\":{{\"brokerName\":\"b\",\"queueId\":1,\"topic\":\"T\"}:{\"lastUpdateTimestamp\":5,\"maxOffset\":9,\"minOffset\":2}}}";
        Assert.That(S(TopicStatsTable.Decode(U(topicStats)).Encode()), Is.EqualTo(topicStats));

        const string connection = "{\"connectionSet\":[{\"clientAddr\":\"10.0.0.5:5555\",\"clientId\":\"c1\",\"language\":\"JAVA\",\"version\":409}],\"consumeFromWhere\":\"CONSUME_FROM_TIMESTAMP\",\"consumeType\":\"CONSUME_ACTIVELY\",\"messageModel\":\"BROADCASTING\",\"subscriptionTable\":{\"T\":{\"classFilterMode\":false,\"codeSet\":[],\"expressionType\":\"TAG\",\"subString\":\"*\",\"subVersion\":1,\"tagsSet\":[],\"topic\":\"T\"}}}";
        ConsumerConnection cc = ConsumerConnection.Decode(U(connection));
        Assert.That(cc.ConsumeType, Is.EqualTo(ConsumeType.ConsumeActively));
        Assert.That(cc.MessageModel, Is.EqualTo(MessageModel.Broadcasting));
        Assert.That(S(cc.Encode()), Is.EqualTo(connection));

        const string groups = "{\"dataVersion\":{\"counter\":1,\"timestamp\":2},\"subscriptionGroupTable\":{\"cg1\":{\"brokerId\":0,\"consumeBroadcastEnable\":true,\"consumeEnable\":true,\"consumeFromMinEnable\":true,\"groupName\":\"cg1\",\"notifyConsumerIdsChangedEnable\":true,\"retryMaxTimes\":16,\"retryQueueNums\":1,\"whichBrokerWhenConsumeSlowly\":1}}}";
        SubscriptionGroupWrapper sg = SubscriptionGroupWrapper.Decode(U(groups));
        Assert.That(sg.SubscriptionGroupTable["cg1"].RetryMaxTimes, Is.EqualTo(16));
        Assert.That(S(sg.Encode()), Is.EqualTo(groups));
        Assert.That(S(new SubscriptionGroupConfig { GroupName = "cg1" }.Encode()), Is.EqualTo(S(sg.SubscriptionGroupTable["cg1"].Encode())), "Java defaults");
    }

    [Test]
    public void EnumsAcceptOrdinalsAndRejectUnknownNames()
    {
        ConsumerConnection cc = ConsumerConnection.Decode(U("{\"consumeType\":1,\"consumeFromWhere\":\"consume_from_first_offset\"}"));
        Assert.That(cc.ConsumeType, Is.EqualTo(ConsumeType.ConsumePassively));
        Assert.That(cc.ConsumeFromWhere, Is.EqualTo(ConsumeFromWhere.ConsumeFromFirstOffset));
        Assert.Throws<JsonBodyException>(() => ConsumerConnection.Decode(U("{\"messageModel\":\"SOMETIMES\"}")));
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("{\"brokerDatas\":[")]
    [TestCase("{\"brokerDatas\":[{\"brokerAddrs\":{0:}}]}")]
    [TestCase("{\"queueDatas\":[{\"perm\":\"six\"}]}")]
    [TestCase("[]")]
    public void MalformedBodiesGiveTheTypedException(string json)
    {
        Assert.Throws<JsonBodyException>(() => TopicRouteData.Decode(U(json)));
    }
}
